from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dms_commission_trigger = fields.Selection(
        related="company_id.dms_commission_trigger", readonly=False
    )
    dms_commission_freeze_days = fields.Integer(
        related="company_id.dms_commission_freeze_days", readonly=False
    )
    dms_commission_journal_id = fields.Many2one(
        related="company_id.dms_commission_journal_id", readonly=False
    )
    dms_commission_expense_account_id = fields.Many2one(
        related="company_id.dms_commission_expense_account_id", readonly=False
    )
    dms_commission_show_expected = fields.Boolean(
        related="company_id.dms_commission_show_expected", readonly=False
    )
    dms_withdrawal_min_amount = fields.Monetary(
        related="company_id.dms_withdrawal_min_amount", readonly=False
    )
    dms_withdrawal_fee_percent = fields.Float(
        related="company_id.dms_withdrawal_fee_percent", readonly=False
    )
    dms_withdrawal_fee_fixed = fields.Monetary(
        related="company_id.dms_withdrawal_fee_fixed", readonly=False
    )
    dms_withdrawal_fee_account_id = fields.Many2one(
        related="company_id.dms_withdrawal_fee_account_id", readonly=False
    )
