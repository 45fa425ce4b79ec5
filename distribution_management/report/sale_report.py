from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    _depends = {"sale.order": ["dms_grid_id"]}

    dms_grid_id = fields.Many2one("dms.grid", string="Grid", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["dms_grid_id"] = "s.dms_grid_id"
        return res

    def _group_by_sale(self):
        return f"{super()._group_by_sale()},\n            s.dms_grid_id"
