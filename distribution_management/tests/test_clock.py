"""Business dates follow the company's calendar, at any hour.

Two parts:

- tests around midnight, each with its own frozen clock (
  sell-through, anomaly weeks, the settlement wizard, the helpers);
- the date-sensitive test classes of the suite run again with the clock frozen
  at 23:30 UTC on a month's last day and on a quarter's first day, for a user
  (the one running the tests) in UTC-8 and in UTC+8 and a company without
  timezone (UTC) or in UTC+8. The clock is frozen by ``TransactionCase``'s own
  ``freeze_time`` class attribute, so it holds in ``setUpClass`` too. The
  database's ``now()`` is not frozen: no business date is taken from it (every
  "today" comes from ``res.company._dms_today()``, a Python clock), only
  technical timestamps (``create_date``, ``write_date``) are.
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from . import (
    test_net_sales,
    test_rebate,
    test_statement,
    test_tier,
)
from .common import UTC_MINUS_8, UTC_PLUS_8, DmsCommon, add_clock_variants
from .test_stock_alert import DmsStockCommon


@tagged("post_install", "-at_install")
class TestBusinessCalendar(DmsCommon):
    """``res.company._dms_today()`` and friends."""

    def test_today_is_the_company_day_whoever_asks(self):
        company = self.company
        with freeze_time("2026-03-31 23:30:00"):
            company.partner_id.tz = False
            self.assertEqual(company._dms_today(), date(2026, 3, 31))
            company.partner_id.tz = UTC_PLUS_8
            self.assertEqual(company._dms_today(), date(2026, 4, 1))
            self.assertEqual(company._dms_now_local(), datetime(2026, 4, 1, 7, 30))
            for tz in (False, UTC_MINUS_8, UTC_PLUS_8):
                user = new_test_user(self.env, login=f"calendar_{tz}", tz=tz)
                self.assertEqual(
                    company.with_user(user)._dms_today(), date(2026, 4, 1), tz
                )
            company.partner_id.tz = UTC_MINUS_8
            self.assertEqual(company._dms_today(), date(2026, 3, 31))
        # an empty recordset is the current company
        self.assertEqual(
            self.env["res.company"]._dms_today(), self.env.company._dms_today()
        )

    def test_day_bounds_in_utc(self):
        company = self.company
        company.partner_id.tz = UTC_PLUS_8
        self.assertEqual(
            company._dms_date_to_utc_bounds(date(2026, 4, 1)),
            (datetime(2026, 3, 31, 16, 0), datetime(2026, 4, 1, 16, 0)),
        )
        self.assertEqual(
            company._dms_local_date(datetime(2026, 3, 31, 16, 30)), date(2026, 4, 1)
        )
        company.partner_id.tz = UTC_MINUS_8
        self.assertEqual(
            company._dms_date_to_utc_bounds(date(2026, 3, 31), date(2026, 4, 1)),
            (datetime(2026, 3, 31, 8, 0), datetime(2026, 4, 2, 8, 0)),
        )
        company.partner_id.tz = False
        self.assertEqual(
            company._dms_date_to_utc(date(2026, 4, 1)), datetime(2026, 4, 1)
        )

    def test_wizard_defaults_are_company_days(self):
        self.company.partner_id.tz = UTC_PLUS_8
        user = new_test_user(
            self.env,
            login="calendar_accountant",
            groups="account.group_account_manager,distribution_management.group_dms_manager",
            tz=UTC_MINUS_8,
        )
        with freeze_time("2026-03-31 23:30:00"):
            accrual = self.env["dms.rebate.accrual.wizard"].with_user(user).new({})
            self.assertEqual(accrual.cutoff, date(2026, 3, 31))
            statement = self.env["dms.statement.wizard"].with_user(user).new({})
            self.assertEqual(
                (statement.date_from, statement.date_to),
                (date(2026, 3, 1), date(2026, 3, 31)),
            )


@tagged("post_install", "-at_install")
class TestSellThroughAtMidnight(DmsStockCommon):
    """A dealer stock report is a count at the end of a company day: a
    delivery at 00:30 local time belongs to the next day."""

    def test_delivery_just_after_local_midnight(self):
        self.company.partner_id.tz = UTC_PLUS_8
        Report = self.env["dms.dealer.stock.report"]
        self._set_stock(self.p1, 100, self.wh)
        Report._create_report(self.dist_a, [(self.p1, 100)], date=date(2026, 3, 30))
        before = self._ship(self.p1, 10, self.wh, partner=self.dist_a)
        after = self._ship(self.p1, 7, self.wh, partner=self.dist_a)
        # 23:30 and 00:30 in Shanghai
        for move, moment in (
            (before, datetime(2026, 3, 31, 15, 30)),
            (after, datetime(2026, 3, 31, 16, 30)),
        ):
            move.write({"date": moment})
            move.move_line_ids.write({"date": moment})
        march = Report._create_report(
            self.dist_a, [(self.p1, 95)], date=date(2026, 3, 31)
        )
        line = march.line_ids
        self.assertEqual(line.delivered_qty, 10.0)
        self.assertEqual(line.daily_sell_through, 15.0)  # 100 + 10 - 95
        april = Report._create_report(
            self.dist_a, [(self.p1, 100)], date=date(2026, 4, 1)
        )
        self.assertEqual(april.line_ids.delivered_qty, 7.0)
        self.assertEqual(april.line_ids.daily_sell_through, 2.0)  # 95 + 7 - 100


@tagged("post_install", "-at_install")
class TestRebateAtQuarterEnd(test_rebate.DmsRebateCommon):
    """23:30 UTC on March 31st is already April 1st in a company in UTC+8:
    the first quarter is over there, whatever the user's timezone."""

    freeze_time = "2026-03-31 23:30:00"

    def _accruals(self):
        return self.env["account.move"].search(
            [
                ("dms_rebate_program_id", "=", self.program.id),
                ("dms_rebate_move_kind", "=", "accrual"),
                ("state", "=", "posted"),
            ]
        )

    def test_quarter_closes_at_the_company_midnight(self):
        self.env.user.tz = UTC_MINUS_8  # still March 31st, 15:30
        self._move(self.dist_b, 6000, date(2026, 2, 10))
        self.company.partner_id.tz = False
        self.program._cron_accrue()
        self.assertFalse(self._accruals(), "Q1 is not over in UTC")
        rebate = self._rebate(self.dist_b, day=date(2026, 2, 10))
        with self.assertRaisesRegex(UserError, "period is over"):
            rebate.with_user(self.accountant).action_settle()
        self.company.partner_id.tz = UTC_PLUS_8
        self.program._cron_accrue()
        accrual = self._accruals()
        self.assertEqual(accrual.date, date(2026, 3, 31))
        self.assertEqual(accrual.dms_rebate_cutoff, date(2026, 3, 31))
        self.assertEqual(sum(accrual.line_ids.mapped("debit")), 120.0)
        rebate.with_user(self.accountant).action_settle()
        self.assertEqual(rebate.settlement_move_id.invoice_date, date(2026, 4, 1))
        self.assertEqual(rebate.settlement_move_id.amount_total, 120.0)


# ----------------------------------------------------------------------
# The date-sensitive classes again, clock frozen at 23:30 UTC
# ----------------------------------------------------------------------
DATE_SENSITIVE = [
    test_rebate.TestRebate,
    test_rebate.TestRebateAccrual,
    test_statement.TestStatement,
    test_tier.TestTier,
    test_net_sales.TestNetInvoicedSales,
    TestBusinessCalendar,
    TestSellThroughAtMidnight,
]

add_clock_variants(globals(), DATE_SENSITIVE)
