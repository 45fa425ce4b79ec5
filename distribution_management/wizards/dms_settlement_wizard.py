from odoo import _, fields, models


class DmsSettlementWizard(models.TransientModel):
    _name = "dms.settlement.wizard"
    _description = "Settle Commissions"

    date_to = fields.Date(
        string="Up To",
        required=True,
        default=fields.Date.context_today,
        help="Available commission dated up to this day is settled.",
    )
    beneficiary_ids = fields.Many2many(
        "res.partner",
        string="Beneficiaries",
        domain="[('dms_state', '!=', False)]",
        help="Leave empty to settle every beneficiary.",
    )

    def action_settle(self):
        self.ensure_one()
        settlements = self.env["dms.settlement"]._settle(
            self.date_to, self.beneficiary_ids or None
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Settlements"),
            "res_model": "dms.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }
