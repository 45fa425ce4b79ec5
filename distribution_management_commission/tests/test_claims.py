"""Claims on money: withdrawals requested at the same moment or during a
settlement run, withdrawals created in the back office, and paid-out
figures."""

import re

from lxml import html

from odoo import Command, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.claims import ClaimRaceCase
from odoo.addons.distribution_management.tests.common import DmsPortalMixin

from .test_commission_payout import DmsPayoutCommon


# committed data: needs the chart of accounts of a demo database (dms_demo)
@tagged("post_install", "-at_install", "dms_demo")
class TestWithdrawalConcurrency(ClaimRaceCase):
    def setUp(self):
        super().setUp()
        setup = self._committed_env()
        self.partner = setup["res.partner"].create(
            {"name": "Concurrent distributor", "is_company": True}
        )
        # an approved distributor (the approval flow is not under test here)
        setup.cr.execute(
            "UPDATE res_partner SET dms_state = 'approved' WHERE id = %s",
            [self.partner.id],
        )
        setup.invalidate_all()
        self.company = setup.company
        setup.cr.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM dms_withdrawal), "
            "(SELECT coalesce(max(id), 0) FROM dms_settlement)"
        )
        self.last_withdrawal, self.last_settlement = setup.cr.fetchone()
        self.invoice = setup["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "invoice_line_ids": [
                    Command.create({"name": "Sale", "quantity": 1, "price_unit": 100})
                ],
            }
        )
        self.line = setup["dms.commission.line"].create(
            {
                "move_id": self.invoice.id,
                "move_line_id": self.invoice.invoice_line_ids.id,
                "beneficiary_id": self.partner.id,
                "level": 1,
                "amount": 1000.0,
                "currency_id": self.company.currency_id.id,
                "company_id": self.company.id,
                "date": fields.Date.today(),
                "state": "available",
            }
        )
        self.balance = setup["dms.withdrawal"]._balances(self.partner, self.company)[
            self.partner.id
        ]["balance"]
        setup.cr.commit()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            # what a test run settled
            cr.execute(
                "SELECT id, move_id FROM dms_settlement WHERE id > %s",
                [self.last_settlement],
            )
            rows = cr.fetchall()
            settlements = [row[0] for row in rows]
            cr.execute(
                "UPDATE dms_commission_line SET state = 'available', "
                "settlement_id = NULL WHERE settlement_id = ANY(%s)",
                [settlements],
            )
            cr.execute("DELETE FROM dms_settlement WHERE id = ANY(%s)", [settlements])
            cr.execute(
                "DELETE FROM account_move WHERE id = ANY(%s)",
                [[row[1] for row in rows if row[1]]],
            )
            cr.execute(
                "SELECT id, move_id FROM dms_withdrawal WHERE id > %s",
                [self.last_withdrawal],
            )
            rows = cr.fetchall()
            withdrawals = [row[0] for row in rows]
            bills = [row[1] for row in rows if row[1]]
            cr.execute(
                "DELETE FROM dms_commission_line "
                "WHERE id = %s OR withdrawal_id = ANY(%s)",
                [self.line.id, withdrawals],
            )
            cr.execute("DELETE FROM dms_withdrawal WHERE id = ANY(%s)", [withdrawals])
            cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [bills])
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'dms.withdrawal' "
                "AND res_id = ANY(%s)",
                [withdrawals],
            )
            cr.execute("DELETE FROM account_move WHERE id = %s", [self.invoice.id])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner.id])

    def _request(self, env, amount):
        return (
            env["dms.withdrawal"]
            .sudo()
            ._request(env["res.partner"].browse(self.partner.id), amount, env.company)
            .id
        )

    def _requested(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT coalesce(sum(amount), 0), count(*) FROM dms_withdrawal "
                "WHERE id > %s AND decision IN ('requested', 'approved')",
                [self.last_withdrawal],
            )
            return cr.fetchone()

    def test_two_requests_never_exceed_the_balance(self):
        amount = round(self.balance * 0.6, 2)
        first, second, waited = self._race(lambda env: self._request(env, amount))
        self.assertTrue(first)
        self.assertTrue(waited, "the second request waits on the first one's lock")
        self.assertIsInstance(second.get("error"), ValidationError, second)
        self.assertIn("You can withdraw at most", second["error"].args[0])
        total, count = self._requested()
        self.assertEqual(count, 1)
        self.assertAlmostEqual(total, amount, places=2)
        self.assertLessEqual(total, self.balance)

    def test_requests_within_the_balance_both_pass(self):
        amount = round(self.balance * 0.4, 2)
        first, second, __ = self._race(lambda env: self._request(env, amount))
        self.assertTrue(first)
        self.assertTrue(second.get("result"), second)
        total, count = self._requested()
        self.assertEqual(count, 2)
        self.assertAlmostEqual(total, 2 * amount, places=2)

    def test_settlement_run_leaves_a_request_in_progress(self):
        amount = round(self.balance * 0.6, 2)
        first, second = self._committed_env(), self._committed_env()
        for env in (first, second):
            env.cr.execute("SELECT count(*) FROM res_partner")
        self._request(first, amount)
        # the run does not wait for the request, and pays nothing of it
        settled = second["dms.settlement"]._settle(
            beneficiaries=second["res.partner"].browse(self.partner.id)
        )
        self.assertFalse(settled)
        first.cr.commit()
        second.cr.rollback()
        # once the request is known, the run keeps waiting for its decision
        settled = second["dms.settlement"]._settle(
            beneficiaries=second["res.partner"].browse(self.partner.id)
        )
        self.assertFalse(settled)

    def test_request_during_a_settlement_run_sees_it(self):
        amount = round(self.balance * 0.6, 2)
        bills, second, waited = self._race(
            lambda env: (
                env["dms.settlement"]
                ._settle(beneficiaries=env["res.partner"].browse(self.partner.id))
                .move_id.ids
            ),
            lambda env: self._request(env, amount),
        )
        self.assertTrue(bills, "the run settled the balance")
        self.assertTrue(waited, "the request waits for the run")
        self.assertIsInstance(second.get("error"), ValidationError, second)
        self.assertIn("You can withdraw at most", second["error"].args[0])
        self.assertEqual(self._requested()[1], 0)

    def test_two_approvals_at_once_debit_once(self):
        amount = round(self.balance * 0.3, 2)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, {})
            withdrawal_id = self._request(env, amount)
        first, second, waited = self._race(
            lambda env: (
                env["dms.withdrawal"].sudo().browse(withdrawal_id).action_approve()
            )
        )
        self.assertTrue(first)
        self.assertTrue(waited)
        self.assertIsInstance(second.get("error"), UserError, second)
        self.assertIn("already decided", second["error"].args[0])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM dms_commission_line WHERE withdrawal_id = %s",
                [withdrawal_id],
            )
            self.assertEqual(cr.fetchone()[0], 1)
            cr.execute(
                "SELECT count(*) FROM account_move WHERE ref = "
                "(SELECT name FROM dms_withdrawal WHERE id = %s)",
                [withdrawal_id],
            )
            self.assertEqual(cr.fetchone()[0], 1)


@tagged("post_install", "-at_install")
class TestBackOfficeWithdrawal(DmsPayoutCommon):
    """An accountant withdrawing on behalf of a distributor goes through the
    checks of the portal: minimum, balance, the server's fee."""

    def setUp(self):
        super().setUp()
        self._available_invoice()  # dist_c earns 10.00
        self.as_accountant = self.Withdrawal.with_user(self.accountant)

    def test_form_checks_minimum_balance_and_fee(self):
        form = Form(self.as_accountant)
        form.beneficiary_id = self.dist_c
        form.amount = 1.5
        with self.assertRaisesRegex(ValidationError, "minimum withdrawal"):
            form.save()
        form.amount = 10.01
        with self.assertRaisesRegex(ValidationError, "at most"):
            form.save()
        form.amount = 6.0
        withdrawal = form.save()
        self.assertEqual(
            (withdrawal.state, withdrawal.amount, withdrawal.fee_amount),
            ("requested", 6.0, 1.1),
        )
        self.assertEqual(withdrawal.net_amount, 4.9)
        self.assertTrue(withdrawal.name.startswith("DMSW/"))
        self.assertEqual(self._figures(self.dist_c)["balance"], 4.0)

    def test_create_ignores_a_crafted_fee(self):
        withdrawal = self.as_accountant.create(
            {"beneficiary_id": self.dist_c.id, "amount": 6.0, "fee_amount": 0.0}
        )
        self.assertEqual(withdrawal.fee_amount, 1.1)
        self.assertEqual(withdrawal.net_amount, 4.9)

    def test_create_refuses_what_the_portal_refuses(self):
        cases = [
            ({"amount": 1.5}, ValidationError, "minimum withdrawal"),
            ({"amount": 10.01}, ValidationError, "at most"),
            ({"amount": 0.0}, ValidationError, "must be positive"),
            ({"amount": float("nan")}, ValidationError, "as a number"),
            ({}, ValidationError, "as a number"),
            ({"amount": 5.0, "decision": "approved"}, UserError, "starts as a request"),
            ({"amount": 5.0, "move_id": 1}, UserError, "starts as a request"),
            ({"amount": 5.0, "beneficiary_id": False}, ValidationError, "distributor"),
            ({"amount": 5.0, "beneficiary_id": "1"}, ValidationError, "distributor"),
            ({"amount": 5.0, "company_id": "x"}, ValidationError, "company"),
            (
                {"amount": 5.0, "beneficiary_id": self.customer.id},
                UserError,
                "approved distributor",
            ),
        ]
        for vals, error, message in cases:
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(error, message):
                    self.as_accountant.create(
                        dict({"beneficiary_id": self.dist_c.id}, **vals)
                    )
        # a batch cannot spend the balance twice either
        with self.assertRaisesRegex(ValidationError, "at most"):
            self.as_accountant.create(
                [
                    {"beneficiary_id": self.dist_c.id, "amount": 6.0},
                    {"beneficiary_id": self.dist_c.id, "amount": 6.0},
                ]
            )
        # nor a superuser create (an import, a data file)
        with self.assertRaisesRegex(ValidationError, "at most"):
            self.Withdrawal.sudo().create(
                {"beneficiary_id": self.dist_c.id, "amount": 50.0, "fee_amount": 0}
            )
        self.assertFalse(self._withdrawals())
        self.assertEqual(self._figures(self.dist_c)["balance"], 10.0)

    def test_write_cannot_bypass_the_checks(self):
        withdrawal = self.as_accountant.create(
            {"beneficiary_id": self.dist_c.id, "amount": 6.0}
        )
        for vals in (
            {"amount": 100.0},
            {"fee_amount": 0.0},
            {"decision": "approved"},
            {"beneficiary_id": self.dist_b.id},
        ):
            with self.subTest(vals=vals):
                # the decision is a workflow field: the state guard refuses it
                with self.assertRaisesRegex(
                    UserError, "cannot be edited|changes only through its buttons"
                ):
                    withdrawal.with_user(self.accountant).write(vals)
        withdrawal.with_user(self.accountant).write({"reject_reason": "No bank"})
        self.assertEqual(
            (withdrawal.amount, withdrawal.fee_amount, withdrawal.decision),
            (6.0, 1.1, "requested"),
        )


@tagged("post_install", "-at_install")
class TestPaidOut(DmsPayoutCommon):
    """'Paid out' counts paid bills only; what is billed and unpaid is on its
    way."""

    def _check(self, to_pay, paid):
        figures = self._figures(self.dist_c)
        self.assertEqual((figures["to_pay"], figures["paid"]), (to_pay, paid))
        total = sum(figures[key] for key in ("pending", "available", "to_pay", "paid"))
        self.assertAlmostEqual(total, 10.0, places=2)

    def test_withdrawal_counts_once_its_bill_is_paid(self):
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 6.0, self.company)
        self._check(0.0, 0.0)
        withdrawal.with_user(self.accountant).action_approve()
        self.assertEqual(withdrawal.move_id.state, "posted")
        self._check(6.0, 0.0)
        self._pay(withdrawal.move_id)
        self._check(0.0, 6.0)

    def test_settlement_counts_once_its_bill_is_paid(self):
        self._available_invoice()
        settlement = self.env["dms.settlement"]._settle(beneficiaries=self.dist_c)
        self.assertEqual(settlement.move_id.state, "draft")
        self._check(10.0, 0.0)
        settlement.move_id.action_post()
        self._check(10.0, 0.0)
        self._pay(settlement.move_id)
        self._check(0.0, 10.0)


@tagged("post_install", "-at_install")
class TestPaidOutPortal(DmsPayoutCommon, DmsPortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="paid_out_c",
            password="paid_out_c_pw",
            groups="base.group_portal",
            partner_id=cls.dist_c.id,
        )

    def test_my_commission_shows_paid_bills_only(self):
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 6.0, self.company)
        withdrawal.with_user(self.accountant).action_approve()
        self.authenticate("paid_out_c", "paid_out_c_pw")

        def figure(css_class):
            page = self.url_open("/my/dms/commission").text
            found = re.search(
                rf'class="[^"]*{css_class}[^"]*"[^>]*>(.*?)</div>', page, re.S
            )
            if not found:
                return None
            return re.search(r"\d[\d,]*\.\d\d", found.group(1)).group(0)

        self.assertEqual(figure("o_dms_paid"), "0.00")
        self.assertEqual(figure("o_dms_to_pay"), "6.00")
        self._pay(withdrawal.move_id)
        self.assertEqual(figure("o_dms_paid"), "6.00")
        self.assertEqual(figure("o_dms_to_pay"), "0.00")

    def test_ledger_rows_under_their_columns(self):
        """The withdrawal row of the ledger puts its amount under Amount and
        its status (approved, then paid) under Status, like the commission
        rows; a settled line reads paid only once its bill is paid."""
        self._available_invoice()
        withdrawal = self.Withdrawal._request(self.dist_c, 6.0, self.company)
        withdrawal.with_user(self.accountant).action_approve()
        self.authenticate("paid_out_c", "paid_out_c_pw")

        def ledger():
            page = html.fromstring(self.url_open("/my/dms/commission").content)
            table = page.xpath("//table[contains(@class, 'o_dms_ledger')]")[0]
            # the columns of a desktop, not the phone's single cell
            for phone_only in table.xpath(".//*[contains(@class, 'd-md-none')]"):
                phone_only.drop_tree()
            headers = [th.text_content().strip() for th in table.xpath(".//th")]
            rows = []
            for tr in table.xpath(".//tbody/tr"):
                cells = []
                for td in tr.xpath("./td"):
                    text = " ".join(td.text_content().replace("\ufeff", "").split())
                    cells += [text] * int(td.get("colspan", 1))
                self.assertEqual(len(cells), len(headers))
                rows.append(dict(zip(headers, cells, strict=True)))
            return rows

        rows = ledger()
        paid_out = [row for row in rows if withdrawal.name in row["Order"]]
        self.assertEqual(len(paid_out), 1)
        self.assertIn("-6.00", paid_out[0]["Amount"])
        self.assertEqual(paid_out[0]["Status"], "Approved")
        commission = [row for row in rows if withdrawal.name not in row["Order"]]
        self.assertEqual(commission[0]["Customer"], self.customer.name)
        self.assertIn("10.00", commission[0]["Amount"])
        self._pay(withdrawal.move_id)
        statuses = {row["Order"]: row["Status"] for row in ledger()}
        self.assertEqual(statuses[paid_out[0]["Order"]], "Paid")
        # the rest is settled: settled until its bill is paid
        settlement = self.env["dms.settlement"]._settle(beneficiaries=self.dist_c)
        settlement.move_id.action_post()
        self.assertEqual(
            {row["Status"] for row in ledger()} - {"Paid"},
            {"Settled"},
        )
        self._pay(settlement.move_id)
        self.assertEqual({row["Status"] for row in ledger()}, {"Paid"})
