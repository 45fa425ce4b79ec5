from odoo import fields, models


class DmsStateReasonWizard(models.TransientModel):
    _name = "dms.state.reason.wizard"
    _description = "Distributor Status Change Reason"

    partner_ids = fields.Many2many("res.partner", string="Distributors", required=True)
    target_state = fields.Selection(
        [
            ("rejected", "Reject"),
            ("suspended", "Suspend"),
            ("terminated", "Terminate"),
        ],
        required=True,
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.partner_ids._dms_apply_transition(self.target_state, self.reason)
        return {"type": "ir.actions.act_window_close"}
