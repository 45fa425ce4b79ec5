from odoo import models


class StockMove(models.Model):
    # moves follow their transfer: moving one to a transfer of another grid
    # is refused like moving the transfer
    _name = "stock.move"
    _inherit = ["stock.move", "dms.grid.scope.mixin"]

    _dms_scope_fields = frozenset({"picking_id"})

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._dms_evaluate_stock_alerts()
        return moves

    def _dms_evaluate_stock_alerts(self):
        """Evaluate the stock alert rules of the (product, warehouse) pairs
        these done moves touched, all at once.

        Only storable products count; a move touches the warehouse it leaves
        and the one it enters (an inter-warehouse transfer touches both).
        Runs as superuser: whoever validates a transfer opens or closes the
        alerts, whatever their rights on them.
        """
        pairs = set()
        for move in self:
            if move.state != "done" or not move.product_id.is_storable:
                continue
            for location in (move.location_id, move.location_dest_id):
                if location.usage == "internal" and location.warehouse_id:
                    pairs.add((move.product_id.id, location.warehouse_id.id))
        if pairs:
            self.env["dms.stock.alert"].sudo()._evaluate_pairs(pairs)
