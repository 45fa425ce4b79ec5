"""Business dates of commissions follow the company's calendar, at any hour.

- a settlement around midnight, with its own frozen clock;
- the date-sensitive commission test classes run again with the clock frozen
  at 23:30 UTC on a month's last day and on a quarter's first day (see
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

from . import test_commission, test_commission_fixed, test_commission_payout
from .test_commission import DmsCommissionCommon


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

    def test_wizard_default_is_the_company_day(self):
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


# ----------------------------------------------------------------------
# The date-sensitive classes again, clock frozen at 23:30 UTC
# ----------------------------------------------------------------------
DATE_SENSITIVE = [
    test_commission.TestSettlement,
    test_commission.TestCommission,
    test_commission_fixed.TestFixedPerOrder,
    test_commission_fixed.TestFreezeFromPayment,
    test_commission_payout.TestWithdrawal,
]

add_clock_variants(globals(), DATE_SENSITIVE)
