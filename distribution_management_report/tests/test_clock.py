"""Business dates follow the company's calendar, at any hour: the week of an
anomaly around midnight, and the date-sensitive classes of the add-on again
with the clock frozen at 23:30 UTC (``add_clock_variants`` of the core)."""

from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from odoo.addons.distribution_management.tests.common import (
    UTC_MINUS_8,
    UTC_PLUS_8,
    DmsCommon,
    add_clock_variants,
)

from . import test_anomaly


@tagged("post_install", "-at_install")
class TestAnomalyWeekAtMidnight(DmsCommon):
    """The analysed week and its bounds come from one calendar, the
    company's: not the cron user's day."""

    def test_cron_user_ahead_of_the_company(self):
        self.company.partner_id.tz = UTC_MINUS_8
        cron_user = new_test_user(
            self.env,
            login="anomaly_cron_user",
            groups="distribution_management.group_dms_manager",
            tz=UTC_PLUS_8,
        )
        Anomaly = self.env["dms.anomaly"]
        model = type(Anomaly)
        # Monday 10:00 in UTC+8, still Sunday 18:00 for the company
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("distribution_management.anomaly_scan", False)
        with (
            freeze_time("2026-03-30 02:00:00"),
            patch.object(
                model, "_series_query", autospec=True, side_effect=model._series_query
            ) as series,
        ):
            Anomaly.with_user(cron_user).sudo()._cron_detect()
            weeks = {call.args[3] for call in series.call_args_list}
            key = params.get_param("distribution_management.anomaly_scan")
        # the last complete week of the company: March 16th to 22nd
        self.assertEqual(weeks, {date(2026, 3, 16)})
        self.assertTrue(key.startswith("2026-03-29|"), key)
        self.assertEqual(
            Anomaly._week_bounds_utc(self.company, date(2026, 3, 16)),
            (datetime(2026, 3, 16, 8, 0),),
        )


# ----------------------------------------------------------------------
# The date-sensitive classes again, clock frozen at 23:30 UTC
# ----------------------------------------------------------------------
DATE_SENSITIVE = [
    test_anomaly.TestAnomaly,
]

add_clock_variants(globals(), DATE_SENSITIVE)
