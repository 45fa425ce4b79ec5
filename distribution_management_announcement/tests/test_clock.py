"""Announcements follow the company's calendar, at any hour.

- an announcement published around midnight, with its own frozen clock;
- the date-sensitive test classes of the add-on run again with the clock
  frozen at 23:30 UTC on a month's last day and on a quarter's first day (see
  ``add_clock_variants`` in the core's ``tests/common.py``).
"""

from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from odoo.addons.distribution_management.tests.common import (
    UTC_MINUS_8,
    UTC_PLUS_8,
    add_clock_variants,
)

from . import test_announcement
from .test_announcement import DmsAnnouncementCommon


@tagged("post_install", "-at_install")
class TestAnnouncementAtMidnight(DmsAnnouncementCommon):
    """An announcement published at 00:30 by a manager in UTC+8 is live at
    once for every dealer: without timezone, in UTC-8 or in UTC+8."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.publisher = new_test_user(
            cls.env,
            login="midnight_publisher",
            groups="distribution_management.group_dms_manager",
            tz=UTC_PLUS_8,
        )
        cls.readers = {}
        for dealer, tz in (
            (cls.dist_b, False),
            (cls.dist_c, UTC_MINUS_8),
            (cls.dist_zj, UTC_PLUS_8),
        ):
            cls.readers[dealer] = new_test_user(
                cls.env,
                login=f"midnight_reader_{dealer.id}",
                groups="base.group_portal",
                partner_id=dealer.id,
                tz=tz,
            )

    def _visible_to(self, announcement):
        seen = {}
        for dealer, user in self.readers.items():
            Announcement = self.env["dms.announcement"].with_user(user)
            domain = Announcement._dealer_live_domain(dealer)
            seen[user.tz or "none"] = announcement in Announcement.sudo().search(domain)
        return seen

    def _publish(self, **vals):
        announcement = (
            self.env["dms.announcement"]
            .with_user(self.publisher)
            .create(dict({"name": "Midnight news"}, **vals))
        )
        announcement.action_publish()
        return announcement

    def test_company_in_utc_plus_8(self):
        self.company.partner_id.tz = UTC_PLUS_8
        # 00:30 on April 1st in Shanghai, still March 31st in UTC and UTC-8
        with freeze_time("2026-03-31 16:30:00"):
            announcement = self._publish()
            self.assertEqual(announcement.date_start, date(2026, 4, 1))
            self.assertEqual(announcement.publication_status, "live")
            self.assertEqual(
                self._visible_to(announcement),
                {"none": True, UTC_MINUS_8: True, UTC_PLUS_8: True},
            )
        # its last day ends at the company's midnight, for everyone
        announcement.date_end = date(2026, 4, 1)
        with freeze_time("2026-04-01 15:59:00"):
            self.assertEqual(set(self._visible_to(announcement).values()), {True})
        with freeze_time("2026-04-01 16:00:00"):
            self.assertEqual(set(self._visible_to(announcement).values()), {False})
            announcement.invalidate_recordset(["publication_status"])
            self.assertEqual(announcement.publication_status, "expired")

    def test_company_without_timezone(self):
        self.company.partner_id.tz = False
        with freeze_time("2026-03-31 16:30:00"):
            announcement = self._publish()
            self.assertEqual(announcement.date_start, date(2026, 3, 31))
            self.assertEqual(set(self._visible_to(announcement).values()), {True})
            # a first day typed as the publisher's (tomorrow in UTC) waits for
            # the company's midnight, for every dealer alike
            typed = self._publish(date_start=date(2026, 4, 1))
            self.assertEqual(typed.publication_status, "scheduled")
            self.assertEqual(set(self._visible_to(typed).values()), {False})
        with freeze_time("2026-04-01 00:00:00"):
            self.assertEqual(set(self._visible_to(typed).values()), {True})


# ----------------------------------------------------------------------
# The date-sensitive classes again, clock frozen at 23:30 UTC
# ----------------------------------------------------------------------
DATE_SENSITIVE = [
    test_announcement.TestAnnouncement,
]

add_clock_variants(globals(), DATE_SENSITIVE)
