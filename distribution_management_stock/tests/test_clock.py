"""Business dates of the stock documents follow the company's calendar, at
any hour (see the core's ``tests/test_clock.py``): the sell-through around
midnight, and the date-sensitive classes again with the clock frozen at
23:30 UTC on a month's last day and on a quarter's first day."""

from datetime import date, datetime

from odoo.tests import tagged

from odoo.addons.distribution_management.tests.common import (
    UTC_PLUS_8,
    add_clock_variants,
)

from .test_stock_alert import DmsStockCommon


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


# ----------------------------------------------------------------------
# The date-sensitive classes again, clock frozen at 23:30 UTC
# ----------------------------------------------------------------------
DATE_SENSITIVE = [
    TestSellThroughAtMidnight,
]

add_clock_variants(globals(), DATE_SENSITIVE)
