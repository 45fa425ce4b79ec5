from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Date undated customer documents in the company's calendar on every
        posting path (button, mass posting, auto-post, credit notes of a
        reversal)."""
        self._dms_default_invoice_date()
        return super()._post(soft=soft)

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
