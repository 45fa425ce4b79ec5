from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dms_dealer_stock_min_days = fields.Integer(
        related="company_id.dms_dealer_stock_min_days", readonly=False
    )
    dms_dealer_stock_target_days = fields.Integer(
        related="company_id.dms_dealer_stock_target_days", readonly=False
    )
