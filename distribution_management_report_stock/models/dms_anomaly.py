from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round


class DmsAnomaly(models.Model):
    _inherit = "dms.anomaly"

    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Serving Warehouse",
        compute="_compute_warehouse_id",
    )

    @api.depends("dms_grid_id")
    def _compute_warehouse_id(self):
        for anomaly in self:
            anomaly.warehouse_id = anomaly.dms_grid_id._dms_serving_warehouse()

    def _suggestion_warehouse_name(self):
        return self.warehouse_id.display_name or super()._suggestion_warehouse_name()

    def _free_qty_by_warehouse(self, warehouses):
        product = self.product_id
        return {
            warehouse: product.with_context(warehouse_id=warehouse.id).free_qty
            for warehouse in warehouses
        }

    def action_reallocate_stock(self):
        """An internal transfer, ready to confirm: for a spike, from the
        warehouse with the most free stock to the grid's serving warehouse; for
        a drop, from the serving warehouse to the one with the least."""
        self.ensure_one()
        if not self.product_id:
            raise UserError(
                _(
                    "Stock can be moved for a product only: this anomaly is "
                    "about a category."
                )
            )
        self.env["stock.picking"].check_access("create")
        serving = self.dms_grid_id._dms_serving_warehouse()
        if not serving:
            raise UserError(
                _(
                    "Grid %(grid)s has no serving warehouse: set one on the grid "
                    "or on a parent grid first.",
                    grid=self.dms_grid_id.display_name,
                )
            )
        others = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id), ("id", "!=", serving.id)]
        )
        free = self._free_qty_by_warehouse(others | serving)
        rounding = self.product_id.uom_id.rounding
        gap = abs(self.week_qty - self.baseline_median) if self.measure == "qty" else 0
        if self.kind == "spike":
            candidates = [w for w in others if free[w] > 0]
            if not candidates:
                raise UserError(
                    _(
                        "No other warehouse has %(product)s in stock to send to "
                        "%(warehouse)s.",
                        product=self.product_id.display_name,
                        warehouse=serving.display_name,
                    )
                )
            source = max(candidates, key=lambda w: (free[w], -w.id))
            destination = serving
        else:
            if free[serving] <= 0 or not others:
                raise UserError(
                    _(
                        "%(warehouse)s has no %(product)s to move to another "
                        "warehouse.",
                        product=self.product_id.display_name,
                        warehouse=serving.display_name,
                    )
                )
            source = serving
            destination = min(others, key=lambda w: (free[w], w.id))
        quantity = float_round(
            min(gap, free[source]) if gap else free[source],
            precision_rounding=rounding,
            rounding_method="UP",
        )
        picking_type = source.int_type_id
        return {
            "type": "ir.actions.act_window",
            "name": _("Reallocate Stock"),
            "res_model": "stock.picking",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_picking_type_id": picking_type.id,
                "default_location_id": source.lot_stock_id.id,
                "default_location_dest_id": destination.lot_stock_id.id,
                "default_origin": self.display_name,
                "default_company_id": self.company_id.id,
                "default_move_ids_without_package": [
                    Command.create(
                        {
                            "name": self.product_id.display_name,
                            "product_id": self.product_id.id,
                            "product_uom": self.product_id.uom_id.id,
                            "product_uom_qty": quantity,
                            "location_id": source.lot_stock_id.id,
                            "location_dest_id": destination.lot_stock_id.id,
                        }
                    )
                ],
            },
        }
