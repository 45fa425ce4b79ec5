from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _dms_returnable_qty(self, exclude=None):
        """Delivered quantity not yet claimed by an open return request.

        Once a request's return transfers are done, ``qty_delivered`` already
        went down: the request no longer holds anything back.
        """
        self.ensure_one()
        if not self.id:
            return 0.0
        lines = (
            self.env["dms.return.request.line"]
            .sudo()
            .search(
                [
                    ("sale_line_id", "=", self.id),
                    ("request_id.state", "in", ("draft", "submitted", "approved")),
                    (
                        "request_id",
                        "not in",
                        (exclude or self.env["dms.return.request"]).ids,
                    ),
                ]
            )
        )
        claimed = sum(
            line.quantity
            for line in lines
            if line.request_id.state != "approved"
            or line.request_id.picking_ids.filtered(lambda p: p.state != "done")
        )
        return max(self.qty_delivered - claimed, 0.0)
