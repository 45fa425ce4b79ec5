from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # the capabilities of the family: checking one installs its add-on
    module_distribution_management_commission = fields.Boolean(
        string="Commissions and withdrawals"
    )
    module_distribution_management_rebate = fields.Boolean(
        string="Volume rebates and statements"
    )
    module_distribution_management_stock = fields.Boolean(
        string="Grid warehouses and dealer stock"
    )
    module_distribution_management_return = fields.Boolean(string="Dealer returns")
    module_distribution_management_promotion = fields.Boolean(string="Grid promotions")
    module_distribution_management_announcement = fields.Boolean(string="Announcements")
    module_distribution_management_report = fields.Boolean(
        string="Sales analysis, rankings and anomalies"
    )

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
