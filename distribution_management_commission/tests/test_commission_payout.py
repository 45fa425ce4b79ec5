from unittest.mock import patch

from odoo import Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management_commission.models.account_move import (
    AccountMove,
)

from .test_commission import DmsCommissionCommon


class DmsPayoutCommon(DmsCommissionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        company.dms_commission_freeze_days = 0
        company.dms_commission_journal_id = cls.env["account.journal"].search(
            [("type", "=", "purchase"), ("company_id", "=", company.id)], limit=1
        )
        expense = cls.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", company.id)],
            limit=1,
        )
        company.dms_commission_expense_account_id = expense
        cls.fee_account = cls.env["account.account"].create(
            {
                "name": "Withdrawal fees",
                "code": "DMSFEE1",
                "account_type": "income_other",
            }
        )
        company.write(
            {
                "dms_withdrawal_min_amount": 2.0,
                "dms_withdrawal_fee_percent": 10.0,
                "dms_withdrawal_fee_fixed": 0.5,
                "dms_withdrawal_fee_account_id": cls.fee_account.id,
            }
        )
        cls.accountant = cls._grid_user(
            "payout_accountant", cls.env["dms.grid"], "account.group_account_invoice"
        )
        cls.Withdrawal = cls.env["dms.withdrawal"]

    def _available_invoice(self, qty=10):
        invoice = self._invoice(qty=qty)
        invoice.action_post()
        self.env["dms.commission.line"]._cron_update_states()
        return invoice

    def _referral_order(self, qty=10, lines=1):
        """A quotation of the test customer brought by Dist C's code."""
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "dms_referral_code": "CCCC3333",
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.juice.id,
                            "product_uom_qty": qty,
                            "price_unit": 10 + index,
                        }
                    )
                    for index in range(lines)
                ],
            }
        )

    def _withdrawals(self):
        """Withdrawals of the test network (the demo data has its own)."""
        network = self.dist_a | self.dist_b | self.dist_c
        return self.Withdrawal.search([("beneficiary_id", "in", network.ids)])

    def _pay(self, bill):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=bill.ids
        ).create({})._create_payments()

    def _figures(self, partner):
        return self.Withdrawal._balances(partner, self.company)[partner.id]


@tagged("post_install", "-at_install")
class TestWithdrawal(DmsPayoutCommon):
    def test_balance_request_fee_and_approval(self):
        self._available_invoice()  # dist_c earns 10.00
        self.assertEqual(self._figures(self.dist_c)["balance"], 10.0)
        withdrawal = self.Withdrawal._request(self.dist_c, 6.0, self.company)
        self.assertTrue(withdrawal.name.startswith("DMSW/"))
        self.assertEqual(withdrawal.state, "requested")
        # 10 % of 6.00 + 0.50 = 1.10
        self.assertEqual(withdrawal.fee_amount, 1.1)
        self.assertEqual(withdrawal.net_amount, 4.9)
        figures = self._figures(self.dist_c)
        self.assertEqual(
            (figures["available"], figures["requested"], figures["balance"]),
            (10.0, 6.0, 4.0),
        )
        with self.assertRaisesRegex(ValidationError, "at most"):
            self.Withdrawal._request(self.dist_c, 4.01, self.company)
        # the distributor form's button says the same balance
        self.dist_c.invalidate_recordset(["dms_commission_balance"])
        self.assertEqual(self.dist_c.dms_commission_balance, 4.0)
        withdrawal.with_user(self.accountant).action_approve()
        self.assertEqual(withdrawal.state, "approved")
        self.assertEqual(withdrawal.decided_by_id, self.accountant)
        bill = withdrawal.move_id
        self.assertEqual(bill.state, "posted")
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.partner_id, self.dist_c)
        self.assertAlmostEqual(bill.amount_total, 4.9, places=2)
        fee_line = bill.invoice_line_ids.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(fee_line.account_id, self.fee_account)
        self.assertAlmostEqual(fee_line.price_subtotal, -1.1, places=2)
        debit = withdrawal.ledger_line_ids
        self.assertEqual((debit.kind, debit.amount), ("withdrawal", -6.0))
        figures = self._figures(self.dist_c)
        # the bill is posted, not paid: on its way, not paid out yet
        self.assertEqual(
            (
                figures["available"],
                figures["requested"],
                figures["to_pay"],
                figures["paid"],
            ),
            (4.0, 0.0, 6.0, 0.0),
        )
        self.assertEqual(figures["balance"], 4.0)
        # paying the bill marks the withdrawal paid
        self._pay(bill)
        self.assertEqual(withdrawal.state, "paid")
        self.assertEqual(self._figures(self.dist_c)["paid"], 6.0)
        # a settlement run pays the rest only: 10.00 - 6.00
        settlement = self.env["dms.settlement"]._settle(beneficiaries=self.dist_c)
        self.assertAlmostEqual(settlement.amount_total, 4.0, places=2)
        self.assertAlmostEqual(settlement.move_id.amount_total, 4.0, places=2)
        self.assertIn(debit, settlement.line_ids)
        figures = self._figures(self.dist_c)
        # the settlement bill is not paid yet
        self.assertEqual(
            (figures["balance"], figures["to_pay"], figures["paid"]), (0.0, 4.0, 6.0)
        )

    def test_bad_requests_write_nothing(self):
        self._available_invoice()
        cases = [
            (0.0, "must be positive"),
            (-5.0, "must be positive"),
            (1.5, "minimum withdrawal"),
            (float("nan"), "as a number"),
            (float("inf"), "as a number"),
            ("5", "as a number"),
            (10.01, "at most"),
        ]
        for amount, message in cases:
            with self.subTest(amount=amount):
                with self.assertRaisesRegex(ValidationError, message):
                    self.Withdrawal._request(self.dist_c, amount, self.company)
        self.company.dms_withdrawal_fee_fixed = 3.0
        with self.assertRaisesRegex(ValidationError, "whole amount"):
            self.Withdrawal._request(self.dist_c, 2.5, self.company)
        self.dist_c.dms_state = "suspended"
        with self.assertRaisesRegex(UserError, "approved distributor"):
            self.Withdrawal._request(self.dist_c, 5.0, self.company)
        self.assertFalse(self._withdrawals())

    def test_fee_settings_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "below 100"):
            self.company.dms_withdrawal_fee_percent = 100
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.dms_withdrawal_min_amount = -1

    def test_reject_restores_and_cancel_by_distributor(self):
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 8.0, self.company)
        self.assertEqual(self._figures(self.dist_c)["balance"], 2.0)
        with self.assertRaisesRegex(UserError, "reason"):
            withdrawal.with_user(self.accountant).action_reject()
        withdrawal.reject_reason = "Bank details missing"
        withdrawal.with_user(self.accountant).action_reject()
        self.assertEqual(withdrawal.state, "rejected")
        self.assertFalse(withdrawal.ledger_line_ids)
        self.assertEqual(self._figures(self.dist_c)["balance"], 10.0)
        with self.assertRaisesRegex(UserError, "already decided"):
            withdrawal.with_user(self.accountant).action_approve()
        other = self.Withdrawal._request(self.dist_c, 3.0, self.company)
        other._action_withdraw()
        self.assertEqual(other.state, "cancel")
        self.assertEqual(self._figures(self.dist_c)["balance"], 10.0)

    def test_cancelled_bill_restores_the_balance(self):
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 6.0, self.company)
        withdrawal.with_user(self.accountant).action_approve()
        self.assertEqual(self._figures(self.dist_c)["balance"], 4.0)
        withdrawal.move_id.button_draft()
        withdrawal.move_id.button_cancel()
        self.assertEqual(withdrawal.state, "cancel")
        self.assertEqual(
            sorted(withdrawal.ledger_line_ids.mapped("amount")), [-6.0, 6.0]
        )
        self.assertEqual(self._figures(self.dist_c)["balance"], 10.0)
        # cancelling twice adds nothing
        withdrawal._restore_balance()
        self.assertEqual(len(withdrawal.ledger_line_ids), 2)

    def test_pending_request_holds_the_settlement_run(self):
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 6.0, self.company)
        settlements = self.env["dms.settlement"]._settle()
        self.assertNotIn(self.dist_c, settlements.beneficiary_id)
        self.assertIn(self.dist_b, settlements.beneficiary_id)
        withdrawal.with_user(self.accountant).action_approve()
        self.assertEqual(self.dist_c.display_name, withdrawal.beneficiary_id.name)

    def test_approval_logs_one_line(self):
        """Approving says so once in the chatter: the status, not the
        decision behind it as well."""
        self._available_invoice()
        tracked = self.Withdrawal.with_context(tracking_disable=False)
        withdrawal = tracked._request(self.dist_c, 6.0, self.company)
        self.env.flush_all()
        self.env.cr.precommit.run()
        before = withdrawal.message_ids
        withdrawal.with_user(self.accountant).with_context(
            tracking_disable=False
        ).action_approve()
        self.env.flush_all()
        self.env.cr.precommit.run()
        withdrawal.invalidate_recordset(["message_ids"])
        logged = withdrawal.message_ids - before
        self.assertEqual(len(logged), 1)
        self.assertEqual(logged.tracking_value_ids.field_id.mapped("name"), ["state"])

    def _preview(self):
        """The settlement wizard as the accountant opens it: {beneficiary:
        amount} of its preview, the wizard itself."""
        form = Form(self.env["dms.settlement.wizard"].with_user(self.accountant))
        shown = len(form.preview_line_ids)
        wizard = form.save()
        self.assertEqual(len(wizard.preview_line_ids), shown)
        return {
            line.beneficiary_id: line.amount for line in wizard.preview_line_ids
        }, wizard

    def test_settlement_preview_is_what_is_billed(self):
        """The wizard shows, before settling, each beneficiary and the
        amount of their bill, to the cent; a distributor whose withdrawal
        waits for a decision is shown apart and not billed."""
        self._available_invoice(qty=7)
        self._available_invoice(qty=3)
        withdrawal = self.Withdrawal._request(self.dist_c, 2.35, self.company)
        preview, wizard = self._preview()
        self.assertIn(self.dist_c, wizard.held_partner_ids)
        self.assertNotIn(self.dist_c, preview)
        self.assertIn(self.dist_b, preview)
        withdrawal.with_user(self.accountant).action_approve()
        preview, wizard = self._preview()
        self.assertFalse(wizard.held_partner_ids)
        self.assertEqual(preview[self.dist_c], 7.65)
        total = self.company.currency_id.format(sum(preview.values()))
        self.assertIn(total, wizard.preview_summary)
        action = wizard.action_settle()
        settlements = self.env["dms.settlement"].search(action["domain"])
        self.assertEqual(
            {s.beneficiary_id: s.move_id.amount_total for s in settlements}, preview
        )
        # nothing left: the wizard says so
        preview, wizard = self._preview()
        self.assertFalse(preview)
        self.assertIn("Nothing to settle", wizard.preview_summary)

    def test_credit_note_after_request_blocks_approval(self):
        invoice = self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 10.0, self.company)
        invoice._reverse_moves(cancel=True)
        self.env["dms.commission.line"]._cron_update_states()
        self.assertEqual(self._figures(self.dist_c)["balance"], -10.0)
        with self.assertRaisesRegex(UserError, "no longer covers"):
            withdrawal.with_user(self.accountant).action_approve()
        self.assertFalse(withdrawal.move_id)

    def test_accountants_find_payouts_in_accounting(self):
        menu = self.env.ref(
            "distribution_management_commission.menu_dms_account_commission"
        )
        visible = self.env["ir.ui.menu"].with_user(self.accountant)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        grid_user = self._grid_user("payout_menu_grid_user", self.grid_pudong)
        visible = self.env["ir.ui.menu"].with_user(grid_user)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)

    def test_only_accountants_decide(self):
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 5.0, self.company)
        grid_user = self._grid_user("payout_grid_user", self.grid_pudong)
        self.assertEqual(
            withdrawal.with_user(grid_user).read(["state"])[0]["state"], "requested"
        )
        with self.assertRaises(UserError):
            withdrawal.with_user(grid_user).action_approve()
        south = self._grid_user("payout_south_user", self.grid_south)
        self.assertFalse(self.Withdrawal.with_user(south).search([]))
        with self.assertRaises(AccessError):
            withdrawal.with_user(grid_user).write({"reject_reason": "no"})
        self.assertEqual(withdrawal.state, "requested")


@tagged("post_install", "-at_install")
class TestExpectedAndTeam(DmsPayoutCommon):
    def test_expected_commission_until_invoiced(self):
        self.juice.invoice_policy = "delivery"
        order = self._referral_order(qty=10)
        Line = self.env["dms.commission.line"]
        self.assertFalse(Line._expected_for(self.dist_c, self.company), "quotation")
        order.action_confirm()
        self.assertEqual(Line._expected_for(self.dist_c, self.company), [(order, 10.0)])
        # the upline expects its level-2 share
        self.assertEqual(Line._expected_for(self.dist_b, self.company), [(order, 5.0)])
        order.order_line.qty_delivered = 4
        order._create_invoices().action_post()
        self.assertEqual(Line._expected_for(self.dist_c, self.company), [(order, 6.0)])
        Line._cron_update_states()
        self.assertEqual(self._figures(self.dist_c)["available"], 4.0)

    def test_team_totals_without_customers(self):
        order = self._referral_order(qty=3)
        order.action_confirm()
        team = self.env["dms.commission.line"]._team_totals(self.dist_a, self.company)
        by_partner = {row["partner"]: row for row in team}
        self.assertEqual(set(by_partner), {self.dist_b, self.dist_c})
        self.assertEqual(by_partner[self.dist_b]["level"], 1)
        self.assertEqual(by_partner[self.dist_c]["level"], 2)
        self.assertEqual(by_partner[self.dist_c]["month"], 30.0)
        self.assertEqual(by_partner[self.dist_c]["orders"], 1)
        self.assertEqual(by_partner[self.dist_b]["year"], 0.0)
        self.assertEqual(set(team[0]), {"partner", "level", "month", "year", "orders"})
        self.assertFalse(
            self.env["dms.commission.line"]._team_totals(self.dist_c, self.company)
        )


@tagged("post_install", "-at_install")
class TestCommissionBudget(DmsPayoutCommon):
    def _invoice_with_lines(self, count):
        order = self._referral_order(qty=1, lines=count)
        order.action_confirm()
        order.order_line.qty_delivered = 1
        return order._create_invoices()

    def test_posting_adds_at_most_five_queries(self):
        """The accrual hook of ``_post`` runs a constant number of queries,
        measured right after Odoo's own posting (its cache as ``_post``
        leaves it), for 1, 10 and 50 invoice lines."""
        # the rule table is read once per worker, then cached
        self.env["dms.commission.rule"]._rule_table(self.company.id)
        counts = {}
        for count in (1, 10, 50):
            invoice = self._invoice_with_lines(count)
            with patch.object(AccountMove, "_dms_accrue_commission", lambda self: None):
                invoice.action_post()
            self.assertFalse(self._ledger(invoice))
            self.env.flush_all()  # Odoo's own pending writes
            start = self.cr.sql_log_count
            with self.assertQueryCount(5):
                invoice._dms_accrue_commission()
            counts[count] = self.cr.sql_log_count - start
            self.assertEqual(len(self._ledger(invoice)), 3 * count)
        # the count does not grow with the number of lines
        self.assertLessEqual(counts[50], counts[1], counts)


@tagged("post_install", "-at_install")
class TestCommissionPortal(DmsPayoutCommon, DmsPortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dms_commission_show_expected = True
        cls.portal_c = new_test_user(
            cls.env,
            login="commission_c",
            password="commission_c_pw",
            groups="base.group_portal",
            partner_id=cls.dist_c.id,
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="commission_b",
            password="commission_b_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )

    def _withdraw(self, amount):
        data = {"amount": amount, "csrf_token": self._csrf("/my/dms/commission")}
        return self.url_open("/my/dms/commission/withdraw", data=data)

    def test_page_figures_and_withdrawal(self):
        self._available_invoice()
        self.authenticate("commission_c", "commission_c_pw")
        page = self.url_open("/my/dms/commission")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_dms_balance", page.text)
        self.assertIn(self.customer.name, page.text)
        self.assertEqual(page.text.count("o_dms_ledger_line"), 1)
        for bad, message in (("abc", "as a number"), ("0", "must be positive")):
            response = self._withdraw(bad)
            self.assertEqual(response.status_code, 400)
            self.assertIn(message, response.text)
        self.assertFalse(self._withdrawals())
        response = self._withdraw("7")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dms_withdrawal_requested", response.text)
        withdrawal = self._withdrawals()
        self.assertEqual(
            (withdrawal.beneficiary_id, withdrawal.amount), (self.dist_c, 7.0)
        )
        # the distributor can take the request back
        data = {"csrf_token": self._csrf("/my/dms/commission")}
        self.url_open(
            f"/my/dms/commission/withdrawal/{withdrawal.id}/cancel", data=data
        )
        self.assertEqual(withdrawal.state, "cancel")

    def test_distributors_see_only_their_own(self):
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 5.0, self.company)
        Line = self.env["dms.commission.line"]
        lines_b = Line.with_user(self.portal_b).search([])
        self.assertTrue(lines_b)
        self.assertEqual(lines_b.beneficiary_id, self.dist_b)
        self.assertFalse(self.Withdrawal.with_user(self.portal_b).search([]))
        with self.assertRaises(AccessError):
            withdrawal.with_user(self.portal_b).read(["amount"])
        with self.assertRaisesRegex(UserError, "Only accountants"):
            withdrawal.with_user(self.portal_c).action_approve()
        # B cannot cancel C's request through the portal
        self.authenticate("commission_b", "commission_b_pw")
        data = {"csrf_token": self._csrf("/my/dms/commission")}
        response = self.url_open(
            f"/my/dms/commission/withdrawal/{withdrawal.id}/cancel", data=data
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(withdrawal.state, "requested")
        page = self.url_open("/my/dms/commission")
        # B sees its team's sales (C) but not C's customers
        self.assertIn("o_dms_team_row", page.text)
        self.assertIn(self.dist_c.name, page.text)
        self.assertNotIn(self.customer.name, page.text.split("o_dms_team")[1])


# committed data: needs the chart of accounts of a demo database (dms_demo)
@tagged("dms_demo")
class TestSettlementConcurrency(TransactionCase):
    """Two settlement runs in two database transactions at once."""

    def _committed_env(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return api.Environment(cr, self.env.uid, {})

    def test_two_runs_never_settle_a_line_twice(self):
        setup = self._committed_env()
        company = setup.company
        journal = setup["account.journal"].search(
            [("type", "=", "purchase"), ("company_id", "=", company.id)], limit=1
        )
        expense = setup["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", company.id)],
            limit=1,
        )
        saved = (
            company.dms_commission_journal_id,
            company.dms_commission_expense_account_id,
        )
        company.write(
            {
                "dms_commission_journal_id": journal.id,
                "dms_commission_expense_account_id": expense.id,
            }
        )
        partner = setup["res.partner"].create({"name": "Concurrent beneficiary"})
        invoice = setup["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create({"name": "Sale", "quantity": 1, "price_unit": 100})
                ],
            }
        )
        today = fields.Date.today()
        setup["dms.commission.line"].create(
            [
                {
                    "beneficiary_id": partner.id,
                    "level": level,
                    "move_id": invoice.id,
                    "move_line_id": invoice.invoice_line_ids.id,
                    "amount": 5.0,
                    "currency_id": company.currency_id.id,
                    "company_id": company.id,
                    "date": today,
                    "state": "available",
                }
                for level in (1, 2, 3)
            ]
        )
        setup.cr.commit()

        def cleanup():
            with self.registry.cursor() as cr:
                cr.execute(
                    "SELECT move_id FROM dms_settlement WHERE beneficiary_id = %s",
                    [partner.id],
                )
                bills = [row[0] for row in cr.fetchall()]
                cr.execute(
                    "DELETE FROM dms_commission_line WHERE beneficiary_id = %s",
                    [partner.id],
                )
                cr.execute(
                    "DELETE FROM dms_settlement WHERE beneficiary_id = %s", [partner.id]
                )
                cr.execute(
                    "DELETE FROM account_move WHERE id = ANY(%s)",
                    [bills + [invoice.id]],
                )
                cr.execute("DELETE FROM res_partner WHERE id = %s", [partner.id])
                env = api.Environment(cr, self.env.uid, {})
                env.company.write(
                    {
                        "dms_commission_journal_id": saved[0].id,
                        "dms_commission_expense_account_id": saved[1].id,
                    }
                )

        self.addCleanup(cleanup)

        first, second = self._committed_env(), self._committed_env()
        second.cr.execute("SET lock_timeout = '10s'")
        beneficiary = partner.id
        settled_first = first["dms.settlement"]._settle(
            beneficiaries=first["res.partner"].browse(beneficiary)
        )
        # the first run still holds its row locks: the second one skips them
        settled_second = second["dms.settlement"]._settle(
            beneficiaries=second["res.partner"].browse(beneficiary)
        )
        self.assertEqual(len(settled_first), 1)
        self.assertAlmostEqual(settled_first.amount_total, 15.0, places=2)
        self.assertFalse(settled_second)
        first.cr.commit()
        second.cr.rollback()
        again = second["dms.settlement"]._settle(
            beneficiaries=second["res.partner"].browse(beneficiary)
        )
        self.assertFalse(again, "the committed run settled every line")
        second.cr.execute(
            "SELECT count(*), count(DISTINCT settlement_id) FROM dms_commission_line "
            "WHERE beneficiary_id = %s AND state = 'settled'",
            [beneficiary],
        )
        self.assertEqual(second.cr.fetchone(), (3, 1))
