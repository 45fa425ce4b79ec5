from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


def _last_month_end(day):
    return day.replace(day=1) - timedelta(days=1)


class DmsRebateAccrualWizard(models.TransientModel):
    _name = "dms.rebate.accrual.wizard"
    _description = "Accrue Rebates"

    program_ids = fields.Many2many(
        "dms.rebate.program",
        string="Programs",
        required=True,
        default=lambda self: self.env["dms.rebate.program"].search([]),
    )
    cutoff = fields.Date(
        string="Accrue Up To",
        required=True,
        default=lambda self: _last_month_end(self.env.company._dms_today()),
        help="A period end of the programs, or a month end for the programs "
        "that accrue monthly. An earlier accrual at this date is replaced.",
    )

    def action_accrue(self):
        self.ensure_one()
        moves = self.program_ids._accrue(self.cutoff)
        if not moves:
            raise UserError(_("There is no rebate to accrue at this date."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_rebate.action_dms_rebate_accrual"
        )
        action["domain"] = [("id", "in", moves.ids)]
        return action


class DmsStatementWizard(models.TransientModel):
    _name = "dms.statement.wizard"
    _description = "Prepare Dealer Statements"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: _last_month_end(self.env.company._dms_today()).replace(
            day=1
        ),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: _last_month_end(self.env.company._dms_today()),
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Dealers",
        domain="[('dms_state', '=', 'approved')]",
        help="Leave empty for every approved dealer.",
    )

    @api.model
    def _all_dealers(self):
        return self.env["res.partner"].search(
            [
                ("dms_state", "=", "approved"),
                ("company_id", "in", [False, self.env.company.id]),
            ]
        )

    def action_generate(self):
        self.ensure_one()
        partners = self.partner_ids or self._all_dealers()
        statements = self.env["dms.statement"]._generate(
            partners, self.date_from, self.date_to
        )
        if not statements:
            raise UserError(
                _(
                    "No statement to prepare: no dealer has a receivable "
                    "movement, an open balance or a rebate from %(date_from)s "
                    "to %(date_to)s.",
                    date_from=format_date(self.env, self.date_from),
                    date_to=format_date(self.env, self.date_to),
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_rebate.action_dms_statement"
        )
        action["domain"] = [("id", "in", statements.ids)]
        return action
