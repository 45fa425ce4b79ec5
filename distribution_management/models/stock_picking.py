from odoo import Command, _, api, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    @api.model
    def _dms_create_internal_transfer(self, source, destination, lines, origin=None):
        """A confirmed, reserved internal transfer of [(product, quantity)]
        from the stock of warehouse ``source`` to that of ``destination``."""
        if source == destination:
            raise UserError(
                _(
                    "A transfer needs two different warehouses (%(warehouse)s).",
                    warehouse=source.name,
                )
            )
        picking_type = source.int_type_id
        if not picking_type:
            raise UserError(
                _(
                    "Warehouse %(warehouse)s has no internal transfer operation type.",
                    warehouse=source.name,
                )
            )
        picking = self.create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.lot_stock_id.id,
                "location_dest_id": destination.lot_stock_id.id,
                "company_id": source.company_id.id,
                "origin": origin,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom": product.uom_id.id,
                            "product_uom_qty": quantity,
                            "location_id": source.lot_stock_id.id,
                            "location_dest_id": destination.lot_stock_id.id,
                            "company_id": source.company_id.id,
                        }
                    )
                    for product, quantity in lines
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking
