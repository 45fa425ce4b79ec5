from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    dms_served_grid_ids = fields.One2many(
        "dms.grid",
        "serving_warehouse_id",
        string="Served Grids",
        help="Grids whose effective serving warehouse this is.",
    )
