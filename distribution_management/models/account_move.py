from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # Inverses of the many2one fields whose stored computes depend on the
    # move's state and payment state. Without them, every change of a journal
    # item (one per invoice line while Odoo builds and posts an invoice) makes
    # the ORM search these tables again to find what to recompute; with them
    # it reads the inverse once per move and keeps it in cache.
    dms_settlement_ids = fields.One2many(
        "dms.settlement", "move_id", string="Commission Settlements", readonly=True
    )
    dms_withdrawal_ids = fields.One2many(
        "dms.withdrawal", "move_id", string="Withdrawals", readonly=True
    )

    def _post(self, soft=True):
        """Accrue commissions on every posting path (button, mass posting,
        auto-post, credit notes of a reversal)."""
        self._dms_default_invoice_date()
        posted = super()._post(soft=soft)
        posted._dms_accrue_commission()
        return posted

    def _dms_default_invoice_date(self):
        """A customer document posted without a date is dated today in the
        company's calendar (Odoo would take the poster's day): the commission,
        freeze period, rebate and tier windows count in the company's days.
        Never later than the poster's own day though: Odoo's posting would
        then hold the document back as a future entry."""
        moves = self.filtered(
            lambda m: not m.invoice_date and m.is_sale_document(include_receipts=True)
        )
        if moves:
            user_today = fields.Date.context_today(self)
            for move in moves:
                move.invoice_date = min(move.company_id._dms_today(), user_today)

    def _dms_accrue_commission(self):
        customer_moves = self.filtered(
            lambda move: move.move_type in ("out_invoice", "out_refund")
        )
        if customer_moves:
            self.env["dms.commission.line"]._accrue(customer_moves)

    @api.ondelete(at_uninstall=False)
    def _dms_release_settled_commission(self):
        """Deleting a draft commission bill returns its lines to available."""
        self._dms_release_payouts()

    def button_cancel(self):
        res = super().button_cancel()
        self._dms_release_payouts()
        return res

    def _dms_release_payouts(self):
        """A commission bill is deleted or cancelled: its settlement's lines
        are available again, its withdrawal's amount returns to the balance."""
        vendor_bills = self.filtered(lambda move: move.move_type == "in_invoice")
        if not vendor_bills:
            return
        self.env["dms.settlement"].sudo().search(
            [("move_id", "in", vendor_bills.ids)]
        )._release_lines()
        self.env["dms.withdrawal"].sudo().search(
            [("move_id", "in", vendor_bills.ids)]
        )._restore_balance()

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
