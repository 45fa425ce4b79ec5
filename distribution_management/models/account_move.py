from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Accrue commissions on every posting path (button, mass posting,
        auto-post, credit notes of a reversal)."""
        posted = super()._post(soft=soft)
        customer_moves = posted.filtered(
            lambda move: move.move_type in ("out_invoice", "out_refund")
        )
        lines = customer_moves.invoice_line_ids.filtered(
            lambda line: (
                line.display_type == "product"
                and line.sale_line_ids.order_id.dms_distributor_id
            )
        )
        if lines:
            self.env["dms.commission.line"]._accrue(lines)
        return posted

    @api.ondelete(at_uninstall=False)
    def _dms_release_settled_commission(self):
        """Deleting a draft commission bill returns its lines to available."""
        settlements = (
            self.env["dms.settlement"].sudo().search([("move_id", "in", self.ids)])
        )
        settlements._release_lines()

    def button_cancel(self):
        res = super().button_cancel()
        self.env["dms.settlement"].sudo().search(
            [("move_id", "in", self.ids)]
        )._release_lines()
        return res

    def button_draft(self):
        """Resetting (or, through it, cancelling) an invoice reverses its
        commission; refused once the commission is settled."""
        customer_moves = self.filtered(
            lambda move: move.move_type in ("out_invoice", "out_refund")
        )
        res = super().button_draft()
        if customer_moves:
            self.env["dms.commission.line"]._reverse_postings(customer_moves)
        return res
