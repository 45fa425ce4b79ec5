from odoo import api, fields, models


class DmsGrid(models.Model):
    _inherit = "dms.grid"

    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Serving Warehouse", check_company=True
    )
    serving_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Effective Serving Warehouse",
        compute="_compute_serving_warehouse_id",
        store=True,
        index=True,
        recursive=True,
        help="The warehouse of this grid, or of its nearest ancestor that has one.",
    )

    @api.depends("warehouse_id", "parent_id.serving_warehouse_id")
    def _compute_serving_warehouse_id(self):
        for grid in self:
            grid.serving_warehouse_id = (
                grid.warehouse_id or grid.parent_id.serving_warehouse_id
            )

    def _dms_serving_warehouse(self):
        """Warehouse of this grid or of its nearest ancestor that has one."""
        grid = self
        while grid and not grid.warehouse_id:
            grid = grid.parent_id
        return grid.warehouse_id
