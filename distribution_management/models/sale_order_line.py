from collections import defaultdict

from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _dms_returnable_quantities(self, exclude=None):
        """{line id: delivered quantity a dealer may still ask to return}.

        The delivered quantity minus what open return requests hold back: the
        requested quantities of draft and submitted requests, and the return
        moves from the customer still on their way (approved requests, or
        returns entered by hand in Inventory). Once a return is received,
        ``qty_delivered`` itself went down. ``exclude``: requests to ignore
        (the one being checked). Quantities in each line's unit.
        """
        result = dict.fromkeys(self.ids, 0.0)
        lines = self.filtered(
            lambda line: (
                isinstance(line.id, int)
                and not line.display_type
                and not line.is_downpayment
                and line.product_id.type == "consu"
            )
        )
        if not lines:
            return result
        exclude = (exclude or self.env["dms.return.request"])._origin
        claimed = defaultdict(float)
        request_lines = (
            self.env["dms.return.request.line"]
            .sudo()
            .search(
                [
                    ("sale_line_id", "in", lines.ids),
                    ("request_id.state", "in", ("draft", "submitted")),
                    ("request_id", "not in", exclude.ids),
                ]
            )
        )
        for request_line in request_lines:
            claimed[request_line.sale_line_id.id] += request_line.quantity
        pending_returns = (
            self.env["stock.move"]
            .sudo()
            .search(
                [
                    ("sale_line_id", "in", lines.ids),
                    ("origin_returned_move_id", "!=", False),
                    ("to_refund", "=", True),
                    ("state", "not in", ("done", "cancel")),
                    ("location_id.usage", "=", "customer"),
                    (
                        "picking_id",
                        "not in",
                        exclude.sudo()._all_return_pickings().ids,
                    ),
                ]
            )
        )
        for move in pending_returns:
            line = move.sale_line_id
            claimed[line.id] += move.product_uom._compute_quantity(
                move.product_uom_qty, line.product_uom
            )
        for line in lines:
            result[line.id] = max(line.qty_delivered - claimed[line.id], 0.0)
        return result

    def _dms_returnable_qty(self, exclude=None):
        """The returnable quantity of one line (see above)."""
        self.ensure_one()
        return self._dms_returnable_quantities(exclude=exclude).get(self.id, 0.0)
