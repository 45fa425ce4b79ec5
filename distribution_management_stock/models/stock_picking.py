from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "dms.grid.scope.mixin"]

    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        compute="_compute_dms_grid_id",
        store=True,
        index="btree_not_null",
        help="Grid of the sales order (else of the partner), for the grid "
        "managers' rules.",
    )

    _dms_scope_fields = frozenset(
        {"partner_id", "sale_id", "group_id", "user_id", "dms_grid_id"}
    )
    _dms_scope_partner_fields = ("partner_id",)

    # Taken when the transfer is made or its order / partner change, kept
    # afterwards (as on invoices). Reads group_id.sale_id rather than sale_id
    # (computed from it later). Not precomputed: group_id is a stored compute
    # that is not precomputed itself, so Odoo computes the grid after the INSERT.
    @api.depends("group_id", "partner_id")
    def _compute_dms_grid_id(self):
        for picking in self:
            picking.dms_grid_id = (
                picking.group_id.sale_id.dms_grid_id or picking.partner_id.dms_grid_id
            )

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
