from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dms_rebate_id = fields.Many2one(
        "dms.rebate",
        string="Rebate",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        help="Dealer rebate this journal item accrues or settles.",
    )
