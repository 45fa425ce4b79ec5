from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dms_anomaly_level = fields.Selection(
        [("product", "Product"), ("category", "Product Category")],
        string="Analyse Sales Per",
        default="product",
        required=True,
        help="Grid anomalies compare the weekly sales of each grid per product "
        "or per product category.",
    )
    dms_anomaly_measure = fields.Selection(
        [("qty", "Quantity"), ("amount", "Untaxed Amount")],
        string="Anomaly Measure",
        default="qty",
        required=True,
        help="Quantities are in the product's unit of measure; amounts in the "
        "company currency. Per category, the amount adds up products of "
        "different units more meaningfully.",
    )
    dms_anomaly_weeks = fields.Integer(
        string="Baseline Weeks",
        default=8,
        help="Weeks before the analysed week whose median and median absolute "
        "deviation (MAD) make the baseline.",
    )
    dms_anomaly_threshold = fields.Float(
        string="Robust Z-score Threshold",
        default=3.5,
        help="A week is a spike (drop) when 0.6745 × (week − median) / MAD is "
        "at least this value (at most its opposite).",
    )
    dms_anomaly_change_threshold = fields.Float(
        string="Minimum Change (%)",
        default=50.0,
        help="A spike (drop) must also be at least this many percent above "
        "(below) the baseline median, so that ordinary noise is not reported. "
        "When the baseline weeks do not vary (MAD = 0) the z-score is undefined "
        "and this change is the only criterion.",
    )
    dms_anomaly_min_volume = fields.Float(
        string="Minimum Weekly Volume",
        default=10.0,
        help="Series whose analysed week and baseline median are both below this "
        "volume (in the analysed measure) are ignored.",
    )
    dms_anomaly_last_year = fields.Boolean(
        string="Show Same Week Last Year",
        help="Anomalies also show the sales of the same week 52 weeks earlier.",
    )
    dms_anomaly_rollup = fields.Boolean(
        string="Include Sub-grids",
        help="Analyse each grid on the orders of its sub-grids too, so that a "
        "spike in a cell also shows in its district, city and region. "
        "Otherwise a grid is analysed on the orders delivered in it directly.",
    )

    @api.constrains(
        "dms_anomaly_weeks",
        "dms_anomaly_threshold",
        "dms_anomaly_change_threshold",
        "dms_anomaly_min_volume",
    )
    def _check_dms_anomaly_settings(self):
        for company in self:
            if not 3 <= company.dms_anomaly_weeks <= 52:
                raise ValidationError(
                    _("The anomaly baseline must span 3 to 52 weeks.")
                )
            if (
                company.dms_anomaly_threshold <= 0
                or company.dms_anomaly_change_threshold <= 0
            ):
                raise ValidationError(
                    _("The anomaly thresholds must be greater than zero.")
                )
            if company.dms_anomaly_min_volume < 0:
                raise ValidationError(
                    _("The minimum weekly volume cannot be negative.")
                )
