"""Business dates follow the company's calendar, at any hour.

Two parts:

- tests around midnight, each with its own frozen clock (announcements,
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
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from . import (
    test_announcement,
    test_anomaly,
    test_commission,
    test_commission_fixed,
    test_commission_payout,
    test_net_sales,
    test_rebate,
    test_statement,
    test_tier,
)
from .common import UTC_MINUS_8, UTC_PLUS_8, DmsCommon, add_clock_variants
from .test_announcement import DmsAnnouncementCommon
from .test_commission import DmsCommissionCommon


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
            wizard = self.env["dms.settlement.wizard"].with_user(user).create({})
            self.assertEqual(wizard.date_to, date(2026, 4, 1))
            accrual = self.env["dms.rebate.accrual.wizard"].with_user(user).new({})
            self.assertEqual(accrual.cutoff, date(2026, 3, 31))
            statement = self.env["dms.statement.wizard"].with_user(user).new({})
            self.assertEqual(
                (statement.date_from, statement.date_to),
                (date(2026, 3, 1), date(2026, 3, 31)),
            )


@tagged("post_install", "-at_install")
class TestSettlementAtMidnight(DmsCommissionCommon):
    """An invoice posted by an admin ahead of UTC, settled by an accountant
    without timezone, at 23:30 UTC: the same company day for both."""

    freeze_time = "2026-03-31 23:30:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "dms_commission_freeze_days": 0,
                "dms_commission_journal_id": cls.env["account.journal"]
                .search(
                    [("type", "=", "purchase"), ("company_id", "=", cls.company.id)],
                    limit=1,
                )
                .id,
                "dms_commission_expense_account_id": cls.env["account.account"]
                .search(
                    [
                        ("account_type", "=", "expense"),
                        ("company_ids", "in", cls.company.id),
                    ],
                    limit=1,
                )
                .id,
            }
        )
        cls.accountant = cls._grid_user(
            "midnight_accountant", cls.env["dms.grid"], "account.group_account_invoice"
        )
        cls.accountant.tz = False

    def _settle_as_accountant(self, company_tz, day):
        self.company.partner_id.tz = company_tz
        self.env.user.tz = "Europe/Brussels"  # already April 1st there
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(invoice.invoice_date, day)
        self.env["dms.commission.line"]._cron_update_states()
        wizard = self.env["dms.settlement.wizard"].with_user(self.accountant).create({})
        self.assertEqual(wizard.date_to, day)
        action = wizard.action_settle()
        settlements = self.env["dms.settlement"].search(action["domain"])
        self.assertEqual(len(settlements), 3)
        self.assertEqual(set(settlements.mapped("date")), {day})
        self.assertEqual(set(self._ledger(invoice).mapped("state")), {"settled"})

    def test_wizard_company_without_timezone(self):
        self._settle_as_accountant(False, date(2026, 3, 31))

    def test_wizard_company_in_utc_plus_8(self):
        self._settle_as_accountant(UTC_PLUS_8, date(2026, 4, 1))

    def test_cron_settles_up_to_the_company_day(self):
        self.company.partner_id.tz = UTC_PLUS_8
        invoice = self._invoice()
        invoice.invoice_date = date(2026, 4, 1)  # today in UTC+8, tomorrow in UTC
        invoice.action_post()
        Line = self.env["dms.commission.line"]
        Line._cron_update_states()
        self.assertEqual(set(self._ledger(invoice).mapped("state")), {"available"})
        self.env["dms.settlement"]._cron_settle()
        self.assertEqual(set(self._ledger(invoice).mapped("state")), {"settled"})
        # in a company without timezone the same invoice is dated tomorrow
        self.company.partner_id.tz = False
        later = self._invoice()
        later.invoice_date = date(2026, 4, 1)
        later.action_post()
        Line._cron_update_states()
        self.assertEqual(set(self._ledger(later).mapped("state")), {"earned"})
        self.env["dms.settlement"]._cron_settle()
        self.assertEqual(set(self._ledger(later).mapped("state")), {"earned"})


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
    test_commission.TestSettlement,
    test_commission.TestCommission,
    test_commission_fixed.TestFixedPerOrder,
    test_commission_fixed.TestFreezeFromPayment,
    test_commission_payout.TestWithdrawal,
    test_rebate.TestRebate,
    test_rebate.TestRebateAccrual,
    test_statement.TestStatement,
    test_announcement.TestAnnouncement,
    test_anomaly.TestAnomaly,
    test_tier.TestTier,
    test_net_sales.TestNetInvoicedSales,
    TestBusinessCalendar,
]

add_clock_variants(globals(), DATE_SENSITIVE)
