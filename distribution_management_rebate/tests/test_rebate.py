from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsCommon


class DmsRebateCommon(DmsCommon):
    """A quarterly retroactive program for the 'Distributor' tier (Dist B,
    Dist C, Dist South): 1 % from 1,000, 2 % from 5,000, 3 % from 10,000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dms.rebate.program"].search([]).action_archive()
        company = cls.company
        cls.currency = company.currency_id
        Account = cls.env["account.account"]
        cls.rebate_account = Account.create(
            {"name": "Sales rebates", "code": "DMSREB1", "account_type": "income"}
        )
        cls.accrual_account = Account.create(
            {
                "name": "Accrued rebates",
                "code": "DMSACC1",
                "account_type": "liability_current",
            }
        )
        Journal = cls.env["account.journal"]
        cls.general_journal = Journal.search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        cls.sale_journal = Journal.search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        cls.categ = cls.env["product.category"].create({"name": "Rebate drinks"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Rebate juice",
                "categ_id": cls.categ.id,
                "list_price": 10.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.other_product = cls.env["product.product"].create(
            {"name": "Rebate crisps", "list_price": 5.0, "taxes_id": [Command.clear()]}
        )
        cls.program = cls.env["dms.rebate.program"].create(
            {
                "name": "Quarterly test rebate",
                "participant_mode": "tier",
                "tier_ids": [Command.set(cls.tier_dist.ids)],
                "period_type": "quarter",
                "date_start": "2024-01-01",
                "basis": "amount",
                "method": "retroactive",
                "payout": "credit_note",
                "expense_account_id": cls.rebate_account.id,
                "accrual_account_id": cls.accrual_account.id,
                "accrual_journal_id": cls.general_journal.id,
                "settlement_journal_id": cls.sale_journal.id,
                "bracket_ids": [
                    Command.create({"threshold": 1000, "rate": 1}),
                    Command.create({"threshold": 5000, "rate": 2}),
                    Command.create({"threshold": 10000, "rate": 3}),
                ],
            }
        )
        cls.accountant = new_test_user(
            cls.env,
            login="rebate_accountant",
            groups="account.group_account_invoice,distribution_management.group_dms_user",
        )
        cls.accountant.dms_grid_ids = [Command.set(cls.grid_east.ids)]

    @classmethod
    def _move(
        cls,
        partner,
        amount,
        day,
        move_type="out_invoice",
        product=None,
        quantity=1,
        currency=None,
        post=True,
    ):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "currency_id": (currency or cls.currency).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or cls.product).id,
                            "quantity": quantity,
                            "price_unit": amount / quantity,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _rebate(self, partner, day=date(2024, 2, 15), program=None):
        program = program or self.program
        rebates = program._ensure_rebates(*program._period_bounds(day))
        rebate = rebates.filtered(lambda r: r.partner_id == partner)
        rebate._refresh_figures()
        return rebate


@tagged("post_install", "-at_install")
class TestRebate(DmsRebateCommon):
    def test_retroactive_brackets_at_each_edge(self):
        cases = [
            (0.0, 0.0, False, 1000),
            (999.99, 0.0, False, 1000),
            (1000.0, 10.0, 1000, 5000),
            (1000.01, 10.0, 1000, 5000),
            (4999.99, 50.0, 1000, 5000),
            (5000.0, 100.0, 5000, 10000),
            (9999.99, 200.0, 5000, 10000),
            (10000.0, 300.0, 10000, False),
            (12345.67, 370.37, 10000, False),
            (-500.0, 0.0, False, 1000),
        ]
        for volume, expected, bracket, upcoming in cases:
            with self.subTest(volume=volume):
                rebate, current, nxt, gap = self.program._compute_rebate(volume, 0)
                self.assertAlmostEqual(rebate, expected, places=2)
                self.assertEqual(current.threshold or False, bracket)
                self.assertEqual(nxt.threshold or False, upcoming)
                if upcoming:
                    self.assertAlmostEqual(gap, upcoming - volume, places=2)

    def test_incremental_slices_at_each_edge(self):
        self.program.method = "incremental"
        cases = [
            (999.99, 0.0),
            (1000.0, 0.0),
            (1000.01, 0.0),
            (2000.0, 10.0),
            (4999.99, 40.0),
            (5000.0, 40.0),
            (7000.0, 80.0),
            (9999.99, 140.0),
            (10000.0, 140.0),
            (12000.0, 200.0),
        ]
        for volume, expected in cases:
            with self.subTest(volume=volume):
                rebate = self.program._compute_rebate(volume, 0)[0]
                self.assertAlmostEqual(rebate, expected, places=2)

    def test_fixed_amount_brackets(self):
        self.program.bracket_ids[1].write({"rate_type": "fixed", "fixed_amount": 75})
        self.assertEqual(self.program._compute_rebate(6000, 0)[0], 75.0)
        self.program.method = "incremental"
        # 1 % of 4,000 (first slice) + the fixed 75.00 of the second bracket
        self.assertEqual(self.program._compute_rebate(6000, 0)[0], 115.0)

    def test_basis_from_ledger_and_refunds_below_a_bracket(self):
        self._move(self.dist_b, 6000, "2024-01-10")
        self._move(self.dist_b, 999, "2024-04-01")  # next quarter
        self._move(self.dist_b, 888, "2024-02-01", post=False)  # draft
        self._move(self.dist_a, 50000, "2024-02-01")  # not a participant
        rebate = self._rebate(self.dist_b)
        self.assertEqual(
            (rebate.date_from, rebate.date_to), (date(2024, 1, 1), date(2024, 3, 31))
        )
        self.assertEqual(rebate.period_label, "2024-Q1")
        self.assertEqual(rebate.basis_amount, 6000.0)
        self.assertEqual(rebate.bracket_id.threshold, 5000)
        self.assertEqual(rebate.rebate_amount, 120.0)
        self.assertFalse(self._rebate(self.dist_a))
        # a refund takes the dealer back below the 2 % bracket
        self._move(self.dist_b, 1500, "2024-03-01", move_type="out_refund")
        rebate._refresh_figures()
        self.assertEqual(rebate.basis_amount, 4500.0)
        self.assertEqual(rebate.bracket_id.threshold, 1000)
        self.assertEqual(rebate.rebate_amount, 45.0)
        self.assertEqual(rebate.next_bracket_id.threshold, 5000)
        self.assertEqual(rebate.gap, 500.0)
        self.assertIn("more to reach 2 %", rebate.progress_message)
        # 4,500 of the 5,000 the 2 % bracket needs
        self.assertAlmostEqual(rebate.progress, 90.0)
        # the drill-down lists exactly the journal items of the basis
        lines = self.env["account.move.line"].search(rebate._basis_domain())
        self.assertEqual(len(lines), 2)
        self.assertAlmostEqual(-sum(lines.mapped("balance")), 4500.0)

    def test_foreign_currency_at_the_invoice_date(self):
        foreign = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search(
                [("id", "!=", self.currency.id), ("name", "in", ("EUR", "USD"))],
                limit=1,
            )
        )
        foreign.active = True
        self.env["res.currency.rate"].create(
            [
                {"name": "2024-02-01", "rate": 2.0, "currency_id": foreign.id},
                {"name": "2024-03-01", "rate": 4.0, "currency_id": foreign.id},
            ]
        )
        self._move(self.dist_c, 4000, "2024-02-10", currency=foreign)  # 2,000
        self._move(self.dist_c, 4000, "2024-03-10", currency=foreign)  # 1,000
        rebate = self._rebate(self.dist_c)
        self.assertEqual(rebate.basis_amount, 3000.0)
        self.assertEqual(rebate.rebate_amount, 30.0)

    def test_scope_and_quantity_basis(self):
        self.program.write(
            {
                "basis": "quantity",
                "categ_ids": [Command.set(self.categ.ids)],
                "bracket_ids": [
                    Command.clear(),
                    Command.create({"threshold": 20, "rate": 5}),
                    Command.create({"threshold": 50, "rate": 10}),
                ],
            }
        )
        self._move(self.dist_b, 300, "2024-01-10", quantity=30)
        self._move(
            self.dist_b, 5000, "2024-01-11", product=self.other_product, quantity=100
        )
        rebate = self._rebate(self.dist_b)
        self.assertEqual(rebate.basis_quantity, 30.0)
        self.assertEqual(rebate.basis_amount, 300.0)
        self.assertEqual(rebate.rebate_amount, 15.0)
        self.assertEqual(rebate.gap, 20.0)
        self.assertIn("20 more units", rebate.progress_message)
        self.assertAlmostEqual(rebate.progress, 60.0)  # 30 of 50 units
        self._move(self.dist_b, 50, "2024-01-12", move_type="out_refund", quantity=5)
        rebate._refresh_figures()
        self.assertEqual(rebate.basis_quantity, 25.0)
        self.assertEqual(rebate.rebate_amount, 12.5)

    def test_participants_by_grid_and_list(self):
        self.program.write(
            {
                "participant_mode": "grid",
                "grid_ids": [Command.set(self.grid_shanghai.ids)],
            }
        )
        self.assertEqual(
            self.program._participants(), self.dist_a | self.dist_b | self.dist_c
        )
        self.program.write(
            {
                "participant_mode": "partner",
                "partner_ids": [Command.set(self.dist_south.ids)],
            }
        )
        self.assertEqual(self.program._participants(), self.dist_south)

    def test_periods(self):
        program = self.program
        expected = {
            "month": (date(2024, 5, 1), date(2024, 5, 31), "2024-05"),
            "quarter": (date(2024, 4, 1), date(2024, 6, 30), "2024-Q2"),
            "half_year": (date(2024, 1, 1), date(2024, 6, 30), "2024-H1"),
            "year": (date(2024, 1, 1), date(2024, 12, 31), "2024"),
        }
        for period_type, (start, end, label) in expected.items():
            with self.subTest(period_type=period_type):
                program.period_type = period_type
                self.assertEqual(
                    program._period_bounds(date(2024, 5, 20)), (start, end)
                )
                self.assertEqual(program._period_label(start), label)
        program.write({"period_type": "custom", "date_end": "2024-02-20"})
        self.assertEqual(
            program._period_bounds(date(2024, 2, 1)),
            (date(2024, 1, 1), date(2024, 2, 20)),
        )
        self.assertIsNone(program._period_bounds(date(2024, 2, 21)))

    def test_bad_input_is_refused(self):
        bracket = self.program.bracket_ids[0]
        for vals, message in (
            ({"rate": 120}, "between 0 and 100"),
            ({"rate": -1}, "between 0 and 100"),
            ({"threshold": -5}, "cannot be negative"),
            ({"fixed_amount": -5}, "cannot be negative"),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                with self.env.cr.savepoint():
                    bracket.write(vals)
        self.assertEqual(bracket.rate, 1.0)
        with self.assertRaisesRegex(ValidationError, "custom dates"):
            with self.env.cr.savepoint():
                self.program.period_type = "custom"
        with self.assertRaisesRegex(ValidationError, "ends before"):
            with self.env.cr.savepoint():
                self.program.date_end = "2023-12-31"
        with self.assertRaisesRegex(ValidationError, "must differ"):
            with self.env.cr.savepoint():
                self.program.accrual_account_id = self.rebate_account


@tagged("post_install", "-at_install")
class TestRebateAccrual(DmsRebateCommon):
    def _posted(self, kind):
        return self.env["account.move"].search(
            [
                ("dms_rebate_program_id", "=", self.program.id),
                ("dms_rebate_move_kind", "=", kind),
                ("state", "=", "posted"),
            ]
        )

    def test_accrual_and_reversal_hit_the_accounts(self):
        self._move(self.dist_b, 6000, "2024-01-10")
        self._move(self.dist_c, 12000, "2024-03-31")
        accrual = self.program.with_user(self.accountant)._accrue(date(2024, 3, 31))
        self.assertEqual(accrual.state, "posted")
        self.assertEqual(accrual.date, date(2024, 3, 31))
        self.assertEqual(accrual.journal_id, self.general_journal)
        lines = accrual.line_ids
        self.assertEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))
        debit = lines.filtered(lambda line: line.debit)
        credit = lines.filtered(lambda line: line.credit)
        self.assertEqual(debit.account_id, self.rebate_account)
        self.assertEqual(credit.account_id, self.accrual_account)
        by_partner = {line.partner_id: line.debit for line in debit}
        self.assertEqual(by_partner, {self.dist_b: 120.0, self.dist_c: 360.0})
        self.assertEqual(sum(credit.mapped("credit")), 480.0)
        self.assertTrue(
            all(line.dms_rebate_id.partner_id == line.partner_id for line in lines)
        )
        # reversed on the first day of the next period, through Odoo's reversal
        reversal = accrual.reversal_move_ids
        self.assertEqual(reversal.date, date(2024, 4, 1))
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.dms_rebate_move_kind, "reversal")
        for line in reversal.line_ids:
            self.assertTrue(line.dms_rebate_id)
        self.assertEqual(
            sorted((line.account_id.id, line.balance) for line in reversal.line_ids),
            sorted((line.account_id.id, -line.balance) for line in lines),
        )
        rebate = self._rebate(self.dist_b)
        self.assertEqual(rebate.state, "accrued")
        self.assertEqual(rebate.accrued_amount, 120.0)
        self.env.flush_all()
        report = self.env["dms.rebate.report"].search(
            [("program_id", "=", self.program.id), ("rebate_amount", ">", 0)]
        )
        self.assertEqual(len(report), 2)
        self.assertEqual(set(report.mapped("difference")), {0.0})
        self.assertEqual(set(report.mapped("liability_amount")), {0.0})
        self.assertEqual(sorted(report.mapped("accrued_amount")), [120.0, 360.0])

    def test_rerun_replaces_the_accrual(self):
        self._move(self.dist_b, 6000, "2024-01-10")
        first = self.program._accrue(date(2024, 3, 31))
        first_reversal = first.reversal_move_ids
        self._move(self.dist_b, 4000, "2024-02-10")  # now 10,000: 3 %
        second = self.program._accrue(date(2024, 3, 31))
        self.assertEqual(first.state, "cancel")
        self.assertEqual(first_reversal.state, "cancel")
        self.assertEqual(self._posted("accrual"), second)
        self.assertEqual(len(self._posted("reversal")), 1)
        rebate = self._rebate(self.dist_b)
        self.assertEqual(rebate.rebate_amount, 300.0)
        self.assertEqual(rebate.accrued_amount, 300.0)
        # once more: still one accrual, never doubled
        self.program._accrue(date(2024, 3, 31))
        self.assertEqual(len(self._posted("accrual")), 1)
        rebate.invalidate_recordset(["accrued_amount"])
        self.assertEqual(rebate.accrued_amount, 300.0)

    def test_locked_period_is_refused(self):
        self._move(self.dist_b, 6000, "2024-01-10")
        first = self.program._accrue(date(2024, 3, 31))
        self.company.fiscalyear_lock_date = date(2024, 4, 30)
        with self.assertRaisesRegex(UserError, "locked"):
            with self.env.cr.savepoint():
                self.program._accrue(date(2024, 3, 31))
        self.assertEqual(first.state, "posted")

    def test_monthly_accruals_inside_the_quarter(self):
        self.program.accrue_monthly = True
        self._move(self.dist_b, 6000, "2024-01-10")
        self._move(self.dist_b, 5000, "2024-02-10")
        january = self.program._accrue(date(2024, 1, 31))
        self.assertEqual(sum(january.line_ids.mapped("debit")), 120.0)
        self.assertEqual(january.reversal_move_ids.date, date(2024, 2, 1))
        february = self.program._accrue(date(2024, 2, 29))
        self.assertEqual(sum(february.line_ids.mapped("debit")), 330.0)
        rebate = self._rebate(self.dist_b)
        # the month-end accruals are reversed inside the quarter
        self.assertEqual(rebate.accrued_amount, 0.0)
        self.program._accrue(date(2024, 3, 31))
        rebate.invalidate_recordset(["accrued_amount"])
        self.assertEqual(rebate.accrued_amount, 330.0)
        for day, message in (
            (date(2024, 2, 15), "not a period end"),
            (self.company._dms_today() + timedelta(days=40), "in the future"),
        ):
            with self.subTest(day=day), self.assertRaisesRegex(UserError, message):
                self.program._accrue(day)
        self.program.accrue_monthly = False
        with self.assertRaisesRegex(UserError, "not a period end"):
            self.program._accrue(date(2024, 1, 31))

    def test_settlement_credit_note_reconciled(self):
        invoice = self._move(self.dist_b, 6000, "2024-01-10")
        self.program._accrue(date(2024, 3, 31))
        rebate = self._rebate(self.dist_b)
        rebate.with_user(self.accountant).action_settle()
        credit_note = rebate.settlement_move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.partner_id, self.dist_b)
        self.assertEqual(credit_note.journal_id, self.sale_journal)
        self.assertEqual(credit_note.amount_total, 120.0)
        line = credit_note.invoice_line_ids
        self.assertEqual(line.account_id, self.rebate_account)
        self.assertEqual(line.dms_rebate_id, rebate)
        self.assertIn("2024-Q1", line.name)
        self.assertIn(self.program.name, line.name)
        # matched with the open invoice: the rebate is paid
        self.assertEqual(credit_note.payment_state, "paid")
        self.assertAlmostEqual(invoice.amount_residual, 5880.0)
        self.assertEqual(rebate.state, "paid")
        self.assertEqual(rebate.settled_amount, 120.0)
        self.env.flush_all()
        report = self.env["dms.rebate.report"].search([("rebate_id", "=", rebate.id)])
        self.assertEqual(
            (
                report.accrued_amount,
                report.settled_amount,
                report.difference,
                report.to_settle,
            ),
            (120.0, 120.0, 0.0, 0.0),
        )
        with self.assertRaisesRegex(UserError, "already settled"):
            rebate.with_user(self.accountant).action_settle()
        # the credit note does not lower the basis of the period it is dated in
        current = self._rebate(self.dist_b, day=self.company._dms_today())
        if current:
            self.assertEqual(current.basis_amount, 0.0)

    def test_settlement_refusals_and_bill_payout(self):
        self._move(self.dist_b, 6000, "2024-01-10")
        with self.assertRaisesRegex(UserError, "no rebate to settle"):
            self._rebate(self.dist_c).action_settle()
        self.program.write({"payout": "bill", "settlement_journal_id": False})
        rebate = self._rebate(self.dist_b)
        rebate.action_settle()
        bill = rebate.settlement_move_id
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.amount_total, 120.0)
        self.assertEqual(bill.invoice_line_ids.account_id, self.rebate_account)
        self.assertEqual(rebate.state, "posted")
        # cancelling the bill makes the rebate settleable again
        bill.button_draft()
        bill.button_cancel()
        self.assertEqual(rebate.state, "open")
        # a running period cannot be settled
        self.program.date_start = "2024-01-01"
        current = self.program._ensure_rebates(
            *self.program._period_bounds(self.company._dms_today())
        ).filtered(lambda r: r.partner_id == self.dist_b)
        with self.assertRaisesRegex(UserError, "period is over"):
            current.action_settle()

    def test_only_accountants_accrue_and_settle(self):
        self._move(self.dist_b, 6000, "2024-01-10")
        rebate = self._rebate(self.dist_b)
        grid_user = self._grid_user("rebate_grid_user", self.grid_east)
        manager = self._grid_user(
            "rebate_dms_manager",
            self.env["dms.grid"],
            "distribution_management.group_dms_manager",
        )
        portal = new_test_user(
            self.env,
            login="rebate_portal_b",
            groups="base.group_portal",
            partner_id=self.dist_b.id,
        )
        for user in (grid_user, manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.program.with_user(user)._accrue(date(2024, 3, 31))
                with self.assertRaises(AccessError):
                    rebate.with_user(user).action_settle()
        with self.assertRaises(AccessError):
            rebate.with_user(portal).action_settle()
        with self.assertRaises(AccessError):
            self.env["dms.rebate.accrual.wizard"].with_user(grid_user).create(
                {"cutoff": "2024-03-31", "program_ids": [Command.set(self.program.ids)]}
            )
        self.assertFalse(
            self.env["account.move"].search(
                [("dms_rebate_program_id", "=", self.program.id)]
            )
        )
        self.assertFalse(rebate.settlement_move_id)

    def test_grid_users_read_their_grids_only(self):
        self._move(self.dist_b, 6000, "2024-01-10")
        self._move(self.dist_south, 6000, "2024-01-10")
        self._rebate(self.dist_b)
        self._rebate(self.dist_south)
        grid_user = self._grid_user("rebate_grid_east", self.grid_east)
        self.env.flush_all()
        Rebate = self.env["dms.rebate"].with_user(grid_user)
        mine = Rebate.search([("program_id", "=", self.program.id)])
        self.assertIn(self.dist_b, mine.partner_id)
        self.assertNotIn(self.dist_south, mine.partner_id)
        report = self.env["dms.rebate.report"].with_user(grid_user).search([])
        self.assertNotIn(self.dist_south, report.partner_id)
        with self.assertRaises(AccessError):
            self._rebate(self.dist_south).with_user(grid_user).read(["rebate_amount"])
        with self.assertRaises(AccessError):
            self.program.with_user(grid_user).write({"name": "Mine"})

    def test_cron_accrues_once(self):
        self.program.period_type = "month"
        last_month_end = self.company._dms_today().replace(day=1) - timedelta(days=1)
        self._move(self.dist_b, 6000, last_month_end)
        self.program._cron_accrue()
        accrual = self._posted("accrual")
        self.assertEqual(accrual.date, last_month_end)
        self.program._cron_accrue()
        self.assertEqual(self._posted("accrual"), accrual)
