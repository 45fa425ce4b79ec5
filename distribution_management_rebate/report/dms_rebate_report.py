import io

from odoo import _, api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.distribution_management.tools.xlsx import new_workbook, write_cell

from ..models.dms_rebate import REBATE_STATES, gl_figures_query


class DmsRebateReport(models.Model):
    """Rebate reconciliation: per program, period and dealer, the computed
    rebate against what the general ledger holds as accrued and settled."""

    _name = "dms.rebate.report"
    _description = "Rebate Reconciliation"
    _auto = False
    _order = "date_from desc, program_id, partner_id"

    rebate_id = fields.Many2one("dms.rebate", readonly=True)
    program_id = fields.Many2one("dms.rebate.program", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Dealer", readonly=True)
    dms_grid_id = fields.Many2one("dms.grid", string="Grid", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_from = fields.Date(string="Period Start", readonly=True)
    date_to = fields.Date(string="Period End", readonly=True)
    period_label = fields.Char(string="Period", readonly=True)
    state = fields.Selection(REBATE_STATES, readonly=True, string="Status")
    basis_amount = fields.Monetary(string="Sales", readonly=True)
    basis_quantity = fields.Float(string="Quantity", readonly=True)
    rebate_amount = fields.Monetary(string="Computed Rebate", readonly=True)
    accrued_amount = fields.Monetary(string="Accrued (GL)", readonly=True)
    settled_amount = fields.Monetary(string="Settled (GL)", readonly=True)
    difference = fields.Monetary(
        string="Accrual Difference",
        readonly=True,
        help="Computed rebate minus the accrual at the period end.",
    )
    to_settle = fields.Monetary(
        readonly=True, help="Computed rebate minus what was settled."
    )
    liability_amount = fields.Monetary(
        string="Open Accrual",
        readonly=True,
        help="Accrued rebates still on the liability account (an accrual not "
        "reversed yet).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT r.id AS id,
                           r.id AS rebate_id,
                           r.program_id,
                           r.partner_id,
                           r.dms_grid_id,
                           r.company_id,
                           company.currency_id,
                           r.date_from,
                           r.date_to,
                           r.period_label,
                           r.state,
                           COALESCE(r.basis_amount, 0) AS basis_amount,
                           COALESCE(r.basis_quantity, 0) AS basis_quantity,
                           COALESCE(r.rebate_amount, 0) AS rebate_amount,
                           gl.accrued_amount,
                           gl.settled_amount,
                           COALESCE(r.rebate_amount, 0) - gl.accrued_amount
                               AS difference,
                           COALESCE(r.rebate_amount, 0) - gl.settled_amount
                               AS to_settle,
                           gl.liability_amount
                      FROM dms_rebate r
                      JOIN res_company company ON company.id = r.company_id
                      JOIN (%(gl)s) gl ON gl.rebate_id = r.id
                )
                """,
                table=SQL.identifier(self._table),
                gl=gl_figures_query(),
            )
        )

    @api.model
    def action_open(self):
        """Refresh the figures of the rebates still open, then show the report."""
        self.env["dms.rebate"].search(
            [("state", "in", ("open", "accrued"))]
        )._refresh_figures()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_rebate.action_dms_rebate_report"
        )

    def action_export_xlsx(self):
        """The selected lines (all the visible ones without a selection)."""
        records = self or self.search([("rebate_id", "!=", False)])
        attachment = self.env["ir.attachment"].create(
            {
                "name": _("Rebate reconciliation.xlsx"),
                "raw": records._xlsx_content(),
                "mimetype": "application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _xlsx_content(self):
        columns = [
            "program_id",
            "period_label",
            "partner_id",
            "dms_grid_id",
            "state",
            "basis_amount",
            "basis_quantity",
            "rebate_amount",
            "accrued_amount",
            "settled_amount",
            "difference",
            "to_settle",
            "liability_amount",
        ]
        buffer = io.BytesIO()
        workbook = new_workbook(buffer, {"constant_memory": True})
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet = workbook.add_worksheet(_("Reconciliation"))
        sheet.set_column(0, len(columns) - 1, 16)
        descriptions = self.fields_get(columns, ["string", "selection"])
        for col, name in enumerate(columns):
            write_cell(sheet, 0, col, descriptions[name]["string"], bold)
        states = dict(descriptions["state"]["selection"])
        for row, line in enumerate(self, start=1):
            for col, name in enumerate(columns):
                field = self._fields[name]
                value = line[name]
                if field.type == "many2one":
                    write_cell(sheet, row, col, value.display_name or "")
                elif field.type == "selection":
                    write_cell(sheet, row, col, states.get(value, ""))
                elif field.type in ("monetary", "float"):
                    sheet.write_number(row, col, value or 0.0, money)
                else:
                    write_cell(sheet, row, col, value or "")
        workbook.close()
        return buffer.getvalue()
