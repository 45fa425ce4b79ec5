from collections import defaultdict

from odoo import api, models


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

    # ------------------------------------------------------------------
    # Promotions shared out over returned units
    # ------------------------------------------------------------------
    def _dms_promotion_scope(self):
        """The order lines the discount of reward line ``self`` lowered, as
        sale_loyalty chose them: every product line for an order-wide
        discount, the reward's products for a specific one, the cheapest line
        for a cheapest-product one; among them, those with the taxes of this
        discount line (sale_loyalty writes one discount line per tax group)."""
        self.ensure_one()
        order = self.order_id
        reward = self.reward_id
        if reward.discount_applicability == "specific":
            lines = order._get_specific_discountable_lines(reward)
        elif reward.discount_applicability == "cheapest":
            lines = order._cheapest_line() or self.browse()
        else:
            lines = order.order_line - order._get_no_effect_on_threshold_lines()
        lines = lines.filtered(
            lambda line: (
                not line.display_type
                and not line.reward_id
                and not line.is_downpayment
                and line.product_uom_qty
            )
        )
        same_taxes = lines.filtered(
            lambda line: (
                line.tax_id.filtered(lambda tax: tax.amount_type != "fixed")
                == self.tax_id
            )
        )
        return same_taxes or lines

    def _dms_refunded_quantity(self):
        """Quantity of this line already in customer credit notes (not
        cancelled), in the line's unit."""
        self.ensure_one()
        quantity = 0.0
        for invoice_line in self.invoice_lines:
            if (
                invoice_line.move_id.move_type == "out_refund"
                and invoice_line.parent_state != "cancel"
            ):
                quantity += invoice_line.product_uom_id._compute_quantity(
                    invoice_line.quantity, self.product_uom
                )
        return quantity

    @api.model
    def _dms_promotion_shares(self, quantities):
        """{discount line: its share (negative, in the ``price_unit`` of the
        discount line) that goes with crediting ``quantities``}.

        ``quantities``: {sale line: quantity credited now, in the line's unit}.
        An order-level promotion (a ``sale_loyalty`` discount line) lowered
        what was invoiced for the lines it discounted: each returned unit
        takes back its share of the invoiced discount, pro rata of its untaxed
        subtotal among those lines (``_dms_promotion_scope``). The shares are
        cumulative: the discount of everything credited so far (earlier credit
        notes of the order included) is rounded, and this credit takes the
        difference, so the rounding remainder falls on the last units and
        returning everything credits the discount to the cent.
        """
        quantities = {line: qty for line, qty in quantities.items() if qty > 0}
        if not quantities:
            return {}
        returned = self.concat(*quantities)
        result = {}
        for order in returned.order_id:
            currency = order.currency_id
            rewards = order.order_line.filtered(
                lambda line: (
                    line.reward_id.reward_type == "discount"
                    and not line.reward_id.program_id.is_payment_program
                    and line.qty_invoiced > 0
                    and line.price_unit < 0
                )
            )
            for reward_line in rewards:
                scope = reward_line._dms_promotion_scope()
                if not scope & returned:
                    continue
                total = sum(scope.mapped("price_subtotal"))
                if currency.compare_amounts(total, 0.0) <= 0:
                    continue
                # what the invoices gave of this discount (once, usually)
                discount = reward_line.price_unit * reward_line.qty_invoiced
                before = now = 0.0
                for line in scope:
                    unit = line.price_subtotal / line.product_uom_qty
                    before += unit * line._dms_refunded_quantity()
                    now += unit * quantities.get(line, 0.0)
                after = min(before + now, total)
                before = min(before, total)
                share = currency.round(discount * after / total) - currency.round(
                    discount * before / total
                )
                if not currency.is_zero(share):
                    result[reward_line] = share
        return result

    def _dms_promotion_untaxed(self, share):
        """Untaxed amount of ``share`` of discount line ``self`` (its price
        may include taxes)."""
        self.ensure_one()
        full = self.price_unit * self.product_uom_qty
        if not full:
            return 0.0
        return share * self.price_subtotal / full
