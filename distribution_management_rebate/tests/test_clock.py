"""Business dates of rebates and statements follow the company's calendar,
at any hour (see the core's ``tests/test_clock.py``): tests around midnight,
then the date-sensitive classes again with the clock frozen at 23:30 UTC."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.distribution_management.tests.common import (
    UTC_MINUS_8,
    UTC_PLUS_8,
    DmsCommon,
    add_clock_variants,
)

from . import test_net_sales, test_rebate, test_statement


@tagged("post_install", "-at_install")
class TestRebateCalendar(DmsCommon):
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
    test_net_sales.TestNetInvoicedSales,
]

add_clock_variants(globals(), DATE_SENSITIVE)
