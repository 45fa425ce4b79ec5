from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from .test_rebate import DmsRebateCommon


@tagged("post_install", "-at_install")
class TestNetInvoicedSales(DmsRebateCommon):
    """One definition of net invoiced sales for tiers and rebates: a rebate
    credit note is not a return of goods (``_dms_net_sales_exclusions``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.tier_ids = [Command.set((cls.tier_dist | cls.tier_senior).ids)]
        # Dist B holds Senior (kept from 5,000.00, lost below)
        cls.dist_b.dms_tier_id = cls.tier_senior
        cls.today = cls.company._dms_today()
        quarter_start = date(cls.today.year, (cls.today.month - 1) // 3 * 3 + 1, 1)
        # a day of the previous quarter, inside the 365-day tier window
        cls.last_quarter_day = quarter_start - timedelta(days=45)

    def _sales(self, date_from=None, date_to=None, **scope):
        return self.env["res.partner"]._dms_net_invoiced_sales(
            self.dist_b,
            date_from or self.last_quarter_day,
            date_to or self.today,
            self.company,
            **scope,
        )[self.dist_b.id]

    def _settled_rebate(self):
        self._move(self.dist_b, 5000, self.last_quarter_day)
        rebate = self._rebate(self.dist_b, day=self.last_quarter_day)
        self.assertEqual(rebate.basis_amount, 5000.0)
        self.assertEqual(rebate.rebate_amount, 100.0)  # 2 % from 5,000
        rebate.with_user(self.accountant).action_settle()
        credit_note = rebate.settlement_move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_untaxed, 100.0)
        self.assertEqual(credit_note.invoice_date, self.today)
        return rebate

    def test_rebate_credit_note_keeps_the_tier(self):
        self._settled_rebate()
        Tier = self.env["dms.tier"]
        self.assertEqual(Tier._dms_rolling_sales(self.dist_b)[self.dist_b.id], 5000.0)
        self.assertEqual(self._sales(), (5000.0, 1.0))
        self.env["dms.tier"]._cron_evaluate_tiers()
        self.assertEqual(self.dist_b.dms_tier_id, self.tier_senior)

    def test_refund_of_the_same_amount_lowers_the_tier(self):
        self._settled_rebate()
        self._move(self.dist_b, 100, self.today, move_type="out_refund")
        Tier = self.env["dms.tier"]
        self.assertEqual(Tier._dms_rolling_sales(self.dist_b)[self.dist_b.id], 4900.0)
        self.assertEqual(self._sales(), (4900.0, 0.0))
        self.env["dms.tier"]._cron_evaluate_tiers()
        self.assertEqual(self.dist_b.dms_tier_id, self.tier_dist)

    def test_rebate_basis_ignores_the_rebate_credit_note(self):
        self._settled_rebate()
        # the basis of the period the credit note is dated in stays 0
        current = self._rebate(self.dist_b, day=self.today)
        self.assertEqual(current.basis_amount, 0.0)
        self.assertEqual(
            self.program._basis([self.dist_b.id], self.last_quarter_day, self.today),
            {self.dist_b.id: (5000.0, 1.0)},
        )
        # a refund of goods dated today does lower it
        self._move(self.dist_b, 100, self.today, move_type="out_refund")
        current._refresh_figures()
        self.assertEqual(current.basis_amount, -100.0)

    def test_a_credit_note_flagged_as_rebate_without_tagged_lines(self):
        """A rebate credit note is known by its move too, not only its lines."""
        self._move(self.dist_b, 5000, self.last_quarter_day)
        note = self._move(self.dist_b, 100, self.today, "out_refund", post=False)
        note.dms_rebate_move_kind = "settlement"
        note.action_post()
        self.assertEqual(self._sales()[0], 5000.0)
