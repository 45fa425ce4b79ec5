from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    dms_rebate_program_id = fields.Many2one(
        "dms.rebate.program",
        string="Rebate Program",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    dms_rebate_cutoff = fields.Date(
        string="Rebate Cut-off",
        readonly=True,
        copy=False,
        help="Date up to which the rebate was accrued, or period end of the "
        "settled rebate.",
    )
    dms_rebate_move_kind = fields.Selection(
        [
            ("accrual", "Rebate Accrual"),
            ("reversal", "Accrual Reversal"),
            ("replaced", "Replaced Accrual Reversal"),
            ("settlement", "Rebate Settlement"),
        ],
        string="Rebate Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    # Inverses of the many2one fields whose stored computes depend on the
    # move's state and payment state. Without them, every change of a journal
    # item (one per invoice line while Odoo builds and posts an invoice) makes
    # the ORM search these tables again to find what to recompute; with them
    # it reads the inverse once per move and keeps it in cache.
    dms_settled_rebate_ids = fields.One2many(
        "dms.rebate", "settlement_move_id", string="Settled Rebates", readonly=True
    )

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
