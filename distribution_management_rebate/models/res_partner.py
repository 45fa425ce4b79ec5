from odoo import api, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _dms_net_sales_exclusions(self):
        """Rebate entries are NOT sales: a rebate credit note (a move the
        rebate settlement created, flagged ``dms_rebate_move_kind``) or any
        journal item tagged to a rebate never lowers the net invoiced sales,
        so a rebate payout never lowers the tier of the dealer who earned it
        nor the basis of the next rebate. Credit notes of returned goods do."""
        self.env["account.move.line"].flush_model(["dms_rebate_id"])
        self.env["account.move"].flush_model(["dms_rebate_move_kind"])
        return super()._dms_net_sales_exclusions() + [
            SQL("aml.dms_rebate_id IS NULL"),
            SQL("move.dms_rebate_move_kind IS NULL"),
        ]
