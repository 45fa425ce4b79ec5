import logging

from odoo import Command, _, api, fields, models

_logger = logging.getLogger(__name__)

# distributors settled per batch (one bill each)
SETTLEMENT_BATCH = 500


class DmsSettlementWizard(models.TransientModel):
    _name = "dms.settlement.wizard"
    _description = "Settle Commissions"

    date_to = fields.Date(
        string="Up To",
        required=True,
        default=lambda self: self.env.company._dms_today(),
        help="Available commission dated up to this day is settled.",
    )
    beneficiary_ids = fields.Many2many(
        "res.partner",
        string="Beneficiaries",
        domain="[('dms_state', '!=', False)]",
        help="Leave empty to settle every beneficiary.",
    )

    preview_line_ids = fields.One2many(
        "dms.settlement.wizard.line",
        "wizard_id",
        string="To Bill",
        compute="_compute_preview",
    )
    preview_summary = fields.Char(string="Total", compute="_compute_preview")
    held_partner_ids = fields.Many2many(
        "res.partner",
        string="Waiting for a Withdrawal Decision",
        compute="_compute_preview",
        help="Their available commission is settled once their withdrawal "
        "request is approved or rejected.",
    )

    @api.depends("date_to", "beneficiary_ids")
    def _compute_preview(self):
        Settlement = self.env["dms.settlement"]
        for wizard in self:
            rows, held = Settlement._preview(
                wizard.date_to, wizard.beneficiary_ids or None
            )
            wizard.preview_line_ids = [Command.clear()] + [
                Command.create(row) for row in rows
            ]
            wizard.held_partner_ids = held
            totals = {}
            for row in rows:
                totals.setdefault(row["currency_id"], 0.0)
                totals[row["currency_id"]] += row["amount"]
            amounts = " + ".join(
                self.env["res.currency"].browse(currency_id).format(total)
                for currency_id, total in sorted(totals.items())
            )
            wizard.preview_summary = (
                _(
                    "Vendor bills: %(count)s, total %(amounts)s",
                    count=len(rows),
                    amounts=amounts,
                )
                if rows
                else _("Nothing to settle up to this day.")
            )

    def action_settle(self):
        self.ensure_one()
        Settlement = self.env["dms.settlement"]
        beneficiaries = self.beneficiary_ids or Settlement._settleable_beneficiaries(
            self.date_to
        )
        settlements = Settlement.browse()
        for start in range(0, len(beneficiaries), SETTLEMENT_BATCH):
            batch = beneficiaries[start : start + SETTLEMENT_BATCH]
            settlements |= Settlement._settle(self.date_to, batch)
            _logger.info(
                "Commission settlement: %s/%s distributors done",
                start + len(batch),
                len(beneficiaries),
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Settlements"),
            "res_model": "dms.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }


class DmsSettlementWizardLine(models.TransientModel):
    _name = "dms.settlement.wizard.line"
    _description = "Settlement Preview Line"
    _order = "amount desc, id"

    wizard_id = fields.Many2one(
        "dms.settlement.wizard", required=True, ondelete="cascade"
    )
    beneficiary_id = fields.Many2one("res.partner", readonly=True)
    dms_grid_id = fields.Many2one(related="beneficiary_id.dms_grid_id", string="Grid")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    amount = fields.Monetary(string="Bill Amount", readonly=True)
