"""Business dates follow the company's calendar, at any hour.

Two parts:

- tests around midnight with their own frozen clock (the helpers);
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

from odoo.tests import new_test_user, tagged

from . import (
    test_net_sales,
    test_tier,
)
from .common import UTC_MINUS_8, UTC_PLUS_8, DmsCommon, add_clock_variants


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


# ----------------------------------------------------------------------
# The date-sensitive classes again, clock frozen at 23:30 UTC
# ----------------------------------------------------------------------
DATE_SENSITIVE = [
    test_tier.TestTier,
    test_net_sales.TestNetInvoicedSales,
    TestBusinessCalendar,
]

add_clock_variants(globals(), DATE_SENSITIVE)
