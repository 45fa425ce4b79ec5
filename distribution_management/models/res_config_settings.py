from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dms_max_depth = fields.Integer(related="company_id.dms_max_depth", readonly=False)
    dms_default_tier_id = fields.Many2one(
        related="company_id.dms_default_tier_id", readonly=False
    )
    dms_tier_rolling_days = fields.Integer(
        related="company_id.dms_tier_rolling_days", readonly=False
    )
    dms_company_tz = fields.Selection(
        related="company_id.partner_id.tz",
        readonly=False,
        string="Business Timezone",
    )
    dms_grant_portal_on_approval = fields.Boolean(
        related="company_id.dms_grant_portal_on_approval", readonly=False
    )
    dms_application_max_file_mb = fields.Integer(
        related="company_id.dms_application_max_file_mb", readonly=False
    )
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
    dms_binding_days = fields.Integer(
        related="company_id.dms_binding_days", readonly=False
    )
    dms_portal_order_confirm = fields.Boolean(
        related="company_id.dms_portal_order_confirm", readonly=False
    )
    dms_portal_team_id = fields.Many2one(
        related="company_id.dms_portal_team_id", readonly=False
    )
    dms_portal_salesperson_id = fields.Many2one(
        related="company_id.dms_portal_salesperson_id", readonly=False
    )
    dms_referral_team_id = fields.Many2one(
        related="company_id.dms_referral_team_id", readonly=False
    )
    dms_anomaly_level = fields.Selection(
        related="company_id.dms_anomaly_level", readonly=False
    )
    dms_anomaly_measure = fields.Selection(
        related="company_id.dms_anomaly_measure", readonly=False
    )
    dms_anomaly_weeks = fields.Integer(
        related="company_id.dms_anomaly_weeks", readonly=False
    )
    dms_anomaly_threshold = fields.Float(
        related="company_id.dms_anomaly_threshold", readonly=False
    )
    dms_anomaly_change_threshold = fields.Float(
        related="company_id.dms_anomaly_change_threshold", readonly=False
    )
    dms_anomaly_min_volume = fields.Float(
        related="company_id.dms_anomaly_min_volume", readonly=False
    )
    dms_anomaly_last_year = fields.Boolean(
        related="company_id.dms_anomaly_last_year", readonly=False
    )
    dms_anomaly_rollup = fields.Boolean(
        related="company_id.dms_anomaly_rollup", readonly=False
    )
