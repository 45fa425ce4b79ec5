from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
