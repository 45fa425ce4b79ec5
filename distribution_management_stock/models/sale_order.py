from odoo import _, api, fields, models
from odoo.tools import SQL


class SaleOrder(models.Model):
    _inherit = "sale.order"

    dms_routing_note = fields.Char(
        string="Warehouse Routing", readonly=True, copy=False
    )

    # ------------------------------------------------------------------
    # Warehouse routing
    # ------------------------------------------------------------------
    @api.depends("dms_grid_id")
    def _compute_warehouse_id(self):
        res = super()._compute_warehouse_id()
        for order in self:
            if order.state in ("draft", "sent") or not order.ids:
                warehouse = order.dms_grid_id._dms_serving_warehouse()
                if warehouse and warehouse.company_id == order.company_id:
                    order.warehouse_id = warehouse
        return res

    def _action_confirm(self):
        self._dms_route_warehouse()
        return super()._action_confirm()

    def _dms_route_warehouse(self):
        """Pick the warehouse that can ship the whole order.

        The delivery grid's serving warehouse when it covers every storable
        quantity, else the nearest ancestor grid's warehouse that does, else
        the company default. One stock query for all orders.
        """
        orders = self.filtered("dms_grid_id")
        if not orders:
            return
        candidates = {}
        for order in orders:
            chain = []
            grid = order.dms_grid_id
            while grid:
                if grid.warehouse_id and grid.warehouse_id.company_id == (
                    order.company_id
                ):
                    chain.append((grid, grid.warehouse_id))
                grid = grid.parent_id
            candidates[order] = chain
        warehouses = self.env["stock.warehouse"].browse(
            {wh.id for chain in candidates.values() for _grid, wh in chain}
        )
        lines = orders.order_line.filtered(
            lambda line: line.product_id.is_storable and line.product_uom_qty > 0
        )
        available = self._dms_available_quantities(warehouses, lines.product_id)
        for order in orders:
            needed = {}
            for line in order.order_line & lines:
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id
                )
                needed[line.product_id.id] = needed.get(line.product_id.id, 0) + qty
            chosen = note = None
            for index, (grid, warehouse) in enumerate(candidates[order]):
                if all(
                    available.get((warehouse.id, product_id), 0.0) >= qty
                    for product_id, qty in needed.items()
                ):
                    chosen = warehouse
                    if not index:
                        note = _(
                            "%(warehouse)s: serving warehouse (of grid %(grid)s).",
                            warehouse=warehouse.name,
                            grid=grid.display_name,
                        )
                    else:
                        note = _(
                            "%(warehouse)s: nearer grid warehouses cannot cover the "
                            "quantities, the warehouse of parent grid %(grid)s can.",
                            warehouse=warehouse.name,
                            grid=grid.display_name,
                        )
                    break
            if not chosen:
                chosen = order.user_id.with_company(
                    order.company_id
                )._get_default_warehouse_id()
                note = _(
                    "%(warehouse)s: company default, no grid warehouse can cover "
                    "the quantities.",
                    warehouse=chosen.name,
                )
            vals = {"dms_routing_note": note}
            if chosen != order.warehouse_id:
                vals["warehouse_id"] = chosen.id
            order.write(vals)

    @api.model
    def _dms_available_quantities(self, warehouses, products):
        """{(warehouse_id, product_id): unreserved on-hand quantity}."""
        if not warehouses or not products:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.location"].flush_model(["warehouse_id", "usage"])
        self.env.cr.execute(
            SQL(
                """
                SELECT loc.warehouse_id, quant.product_id,
                       SUM(quant.quantity - quant.reserved_quantity)
                  FROM stock_quant quant
                  JOIN stock_location loc ON loc.id = quant.location_id
                 WHERE loc.usage = 'internal'
                   AND loc.warehouse_id = ANY(%s)
                   AND quant.product_id = ANY(%s)
              GROUP BY loc.warehouse_id, quant.product_id
                """,
                list(warehouses.ids),
                list(products.ids),
            )
        )
        return {(wh, product): qty for wh, product, qty in self.env.cr.fetchall()}
