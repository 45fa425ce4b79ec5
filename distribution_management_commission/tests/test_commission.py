from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.distribution_management.tests.test_sale import DmsSaleCommon


class DmsCommissionCommon(DmsSaleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dms.commission.rule"].search([]).action_archive()
        cls.company.dms_binding_days = 0
        cls.rule = cls.env["dms.commission.rule"].create(
            {
                "name": "10 %",
                "rule_type": "percent",
                "rate": 10,
                "level1_share": 100,
                "level2_share": 50,
                "level3_share": 20,
            }
        )
        cls.dist_c.dms_referral_code = "CCCC3333"
        cls.juice.standard_price = 4.0

    def _invoice(self, qty=10, code="CCCC3333", currency=None):
        vals = {
            "partner_id": self.customer.id,
            "dms_referral_code": code,
            "order_line": [
                Command.create(
                    {
                        "product_id": self.juice.id,
                        "product_uom_qty": qty,
                        "price_unit": 10,
                    }
                )
            ],
        }
        if currency:
            pricelist = self.env["product.pricelist"].create(
                {"name": "USD", "currency_id": currency.id}
            )
            vals["pricelist_id"] = pricelist.id
        order = self.env["sale.order"].create(vals)
        order.action_confirm()
        order.order_line.qty_delivered = qty
        return order._create_invoices()

    def _ledger(self, moves):
        return self.env["dms.commission.line"].search([("move_id", "in", moves.ids)])

    def _by_level(self, lines):
        totals = {1: 0.0, 2: 0.0, 3: 0.0}
        for line in lines:
            totals[line.level] = round(totals[line.level] + line.amount, 2)
        return totals


@tagged("post_install", "-at_install")
class TestCommission(DmsCommissionCommon):
    def test_three_levels_on_posting(self):
        invoice = self._invoice()
        self.assertFalse(self._ledger(invoice), "nothing before posting")
        invoice.action_post()
        lines = self._ledger(invoice)
        self.assertEqual(self._by_level(lines), {1: 10.0, 2: 5.0, 3: 2.0})
        self.assertEqual(
            lines.filtered(lambda line: line.level == 1).beneficiary_id, self.dist_c
        )
        self.assertEqual(
            lines.filtered(lambda line: line.level == 3).beneficiary_id, self.dist_a
        )
        self.assertEqual(set(lines.mapped("state")), {"earned"})
        self.assertEqual(set(lines.mapped("base_amount")), {100.0})

    def test_company_depth_cuts_levels(self):
        self.dist_c.dms_parent_id = False
        self.dist_b.dms_parent_id = False
        self.company.dms_max_depth = 2
        self.dist_c.dms_parent_id = self.dist_b
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(
            self._by_level(self._ledger(invoice)), {1: 10.0, 2: 5.0, 3: 0.0}
        )

    def test_rule_types(self):
        self.rule.write({"rule_type": "fixed_unit", "fixed_amount": 0.5})
        invoice = self._invoice(qty=4)
        invoice.action_post()
        self.assertEqual(self._by_level(self._ledger(invoice))[1], 2.0)
        self.rule.write({"rule_type": "fixed_order", "fixed_amount": 7})
        invoice = self._invoice(qty=4)
        invoice.action_post()
        self.assertEqual(
            self._by_level(self._ledger(invoice)), {1: 7.0, 2: 3.5, 3: 1.4}
        )
        self.rule.write({"rule_type": "percent", "base": "margin", "rate": 10})
        invoice = self._invoice(qty=10)  # margin 10 x (10 - 4) = 60
        invoice.action_post()
        self.assertEqual(self._by_level(self._ledger(invoice))[1], 6.0)

    def test_tiered_on_monthly_volume(self):
        self.rule.write(
            {
                "rule_type": "tiered",
                "section_ids": [
                    Command.create({"amount_from": 0, "rate": 2}),
                    Command.create({"amount_from": 150, "rate": 5}),
                ],
            }
        )
        first = self._invoice(qty=10)  # volume 100 -> 2 %
        first.action_post()
        self.assertEqual(self._by_level(self._ledger(first))[1], 2.0)
        second = self._invoice(qty=10)  # volume 200 -> 5 %
        second.action_post()
        self.assertEqual(self._by_level(self._ledger(second))[1], 5.0)

    def test_precedence_product_over_category_over_general(self):
        category_rule = self.rule.copy(
            {
                "name": "Category",
                "rate": 20,
                "categ_ids": [Command.set(self.juice.categ_id.ids)],
            }
        )
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(self._ledger(invoice).rule_id, category_rule)
        product_rule = self.rule.copy(
            {
                "name": "Product",
                "rate": 30,
                "product_ids": [Command.set(self.juice.ids)],
            }
        )
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(self._ledger(invoice).rule_id, product_rule)
        self.assertEqual(self._by_level(self._ledger(invoice))[1], 30.0)
        # a rule for another tier does not apply
        product_rule.tier_ids = self.tier_leader
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(self._ledger(invoice).rule_id, category_rule)

    def test_refund_reverses_with_the_right_sign(self):
        invoice = self._invoice()
        invoice.action_post()
        for mode in ("refund", "cancel", "modify"):
            with self.subTest(mode=mode):
                invoice = self._invoice()
                invoice.action_post()
                wizard = (
                    self.env["account.move.reversal"]
                    .with_context(active_model="account.move", active_ids=invoice.ids)
                    .create({"journal_id": invoice.journal_id.id, "reason": "test"})
                )
                if mode == "refund":  # draft credit note, posted later
                    action = wizard.refund_moves()
                    refund = self.env["account.move"].browse(action["res_id"])
                    refund.action_post()
                elif mode == "cancel":  # full reversal, reconciled at once
                    refund = invoice._reverse_moves(cancel=True)
                else:  # reverse and create a new draft invoice
                    wizard.modify_moves()
                    refund = invoice.reversal_move_ids
                self.assertEqual(refund.state, "posted")
                net = self._by_level(self._ledger(invoice | refund))
                self.assertEqual(net, {1: 0.0, 2: 0.0, 3: 0.0})
                self.assertEqual(self._by_level(self._ledger(refund))[1], -10.0)

    def test_partial_credit_note(self):
        invoice = self._invoice()
        invoice.action_post()
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.quantity = 3
        refund.action_post()
        net = self._by_level(self._ledger(invoice | refund))
        self.assertEqual(net, {1: 7.0, 2: 3.5, 3: 1.4})

    def test_reset_repost_and_settled_guard(self):
        invoice = self._invoice()
        invoice.action_post()
        invoice.button_draft()
        self.assertEqual(
            self._by_level(self._ledger(invoice)), {1: 0.0, 2: 0.0, 3: 0.0}
        )
        invoice.action_post()
        self.assertEqual(
            self._by_level(self._ledger(invoice)), {1: 10.0, 2: 5.0, 3: 2.0}
        )
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(self._by_level(self._ledger(invoice))[1], 0.0)
        # a settled commission blocks the reset
        other = self._invoice()
        other.action_post()
        self._ledger(other).write({"state": "settled"})
        with self.assertRaisesRegex(UserError, "already settled"):
            other.button_draft()

    def test_mass_posting_and_auto_post(self):
        invoices = self._invoice() | self._invoice() | self._invoice()
        invoices._post()
        self.assertEqual(len(self._ledger(invoices)), 9)
        auto = self._invoice()
        auto.write(
            {
                "auto_post": "at_date",
                # the auto-post cron posts up to the user's day (Odoo's rule)
                "date": fields.Date.context_today(auto),
                "invoice_date": fields.Date.context_today(auto),
            }
        )
        self.env["account.move"]._autopost_draft_entries()
        self.assertEqual(auto.state, "posted")
        self.assertEqual(self._by_level(self._ledger(auto))[1], 10.0)

    def test_foreign_currency_uses_company_currency(self):
        usd = self.env.ref("base.USD")
        eur = self.env.ref("base.EUR")
        other = eur if self.company.currency_id == usd else usd
        other.active = True
        # the invoice is dated the company's day, or the poster's if earlier
        days = {self.company._dms_today(), fields.Date.context_today(self.env.user)}
        self.env["res.currency.rate"].create(
            [{"currency_id": other.id, "rate": 0.5, "name": day} for day in days]
        )
        invoice = self._invoice(currency=other)
        invoice.action_post()
        self.assertEqual(invoice.currency_id, other)
        lines = self._ledger(invoice)
        self.assertEqual(set(lines.currency_id.ids), {self.company.currency_id.id})
        # 100 in the foreign currency at rate 0.5 = 200 in company currency
        self.assertEqual(self._by_level(lines)[1], 20.0)

    def test_ledger_is_append_only(self):
        invoice = self._invoice()
        invoice.action_post()
        line = self._ledger(invoice)[0]
        with self.assertRaises(UserError):
            line.write({"amount": 1})
        with self.assertRaises(UserError):
            line.unlink()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["dms.commission.line"].create(line.copy_data()[0])

    def test_states_freeze_and_payment_trigger(self):
        self.company.dms_commission_freeze_days = 0
        invoice = self._invoice()
        invoice.action_post()
        self.env["dms.commission.line"]._cron_update_states()
        self.assertEqual(set(self._ledger(invoice).mapped("state")), {"available"})
        self.company.dms_commission_trigger = "payment"
        unpaid = self._invoice()
        unpaid.action_post()
        self.assertEqual(set(self._ledger(unpaid).mapped("state")), {"pending"})
        self.env["dms.commission.line"]._cron_update_states()
        self.assertEqual(set(self._ledger(unpaid).mapped("state")), {"pending"})
        # paid on the company's day (Odoo's wizard would take the user's day,
        # which is tomorrow in the company's calendar for a user ahead of it)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=unpaid.ids
        ).create({"payment_date": self.company._dms_today()})._create_payments()
        self.env["dms.commission.line"]._cron_update_states()
        self.assertEqual(set(self._ledger(unpaid).mapped("state")), {"available"})

    def test_access(self):
        invoice = self._invoice()
        invoice.action_post()
        pudong = self._grid_user("pudong_commission", self.grid_pudong)
        south = self._grid_user("south_commission", self.grid_south)
        Ledger = self.env["dms.commission.line"]
        self.assertEqual(
            len(Ledger.with_user(pudong).search([("move_id", "=", invoice.id)])), 3
        )
        self.assertFalse(Ledger.with_user(south).search([("move_id", "=", invoice.id)]))
        with self.assertRaises(UserError):
            Ledger.with_user(pudong).search([], limit=1).write({"amount": 0})


@tagged("post_install", "-at_install")
class TestSettlement(DmsCommissionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dms_commission_freeze_days = 0
        cls.company.dms_commission_journal_id = cls.env["account.journal"].search(
            [("type", "=", "purchase"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.company.dms_commission_expense_account_id = cls.env[
            "account.account"
        ].search(
            [
                ("account_type", "=", "expense"),
                ("company_ids", "in", cls.company.id),
            ],
            limit=1,
        )

    def _available_invoice(self):
        invoice = self._invoice()
        invoice.action_post()
        self.env["dms.commission.line"]._cron_update_states()
        return invoice

    def test_settle_into_vendor_bills(self):
        invoice = self._available_invoice()
        settlements = self.env["dms.settlement"]._settle()
        by_beneficiary = {s.beneficiary_id: s for s in settlements}
        self.assertEqual(set(by_beneficiary), {self.dist_a, self.dist_b, self.dist_c})
        bill_c = by_beneficiary[self.dist_c].move_id
        self.assertEqual(bill_c.move_type, "in_invoice")
        self.assertEqual(bill_c.partner_id, self.dist_c)
        self.assertAlmostEqual(bill_c.amount_total, 10.0, places=2)
        self.assertAlmostEqual(
            by_beneficiary[self.dist_a].move_id.amount_total, 2.0, places=2
        )
        self.assertEqual(
            bill_c.invoice_line_ids.account_id,
            self.company.dms_commission_expense_account_id,
        )
        self.assertEqual(set(self._ledger(invoice).mapped("state")), {"settled"})
        self.assertEqual(by_beneficiary[self.dist_c].state, "invoiced")
        bill_c.action_post()
        self.assertEqual(by_beneficiary[self.dist_c].state, "posted")
        # idempotent: nothing left to settle
        self.assertFalse(self.env["dms.settlement"]._settle())
        # the invoice can no longer be reset
        with self.assertRaisesRegex(UserError, "already settled"):
            invoice.button_draft()

    def test_deleting_the_draft_bill_releases_the_lines(self):
        invoice = self._available_invoice()
        settlements = self.env["dms.settlement"]._settle(beneficiaries=self.dist_c)
        self.assertEqual(settlements.beneficiary_id, self.dist_c)
        settlements.move_id.unlink()
        self.assertEqual(settlements.state, "cancel")
        lines_c = self._ledger(invoice).filtered(
            lambda line: line.beneficiary_id == self.dist_c
        )
        self.assertEqual(lines_c.state, "available")
        self.assertFalse(lines_c.settlement_id)
        again = self.env["dms.settlement"]._settle(beneficiaries=self.dist_c)
        self.assertAlmostEqual(again.amount_total, 10.0, places=2)

    def test_net_debit_waits(self):
        invoice = self._available_invoice()
        self.env["dms.settlement"]._settle()
        refund = invoice._reverse_moves(cancel=True)
        self.env["dms.commission.line"]._cron_update_states()
        self.assertFalse(
            self.env["dms.settlement"]._settle(), "a net debit is not billed"
        )
        self.assertEqual(self._by_level(self._ledger(refund))[1], -10.0)

    def test_missing_configuration(self):
        self._available_invoice()
        self.company.dms_commission_expense_account_id = False
        with self.assertRaisesRegex(UserError, "expense account"):
            self.env["dms.settlement"]._settle()

    def test_wizard_rights(self):
        self._available_invoice()
        accountant = self._grid_user(
            "commission_accountant",
            self.env["dms.grid"],
            "account.group_account_invoice",
        )
        wizard = self.env["dms.settlement.wizard"].with_user(accountant).create({})
        action = wizard.action_settle()
        self.assertEqual(len(self.env["dms.settlement"].search(action["domain"])), 3)
        grid_user = self._grid_user("commission_grid_user", self.grid_pudong)
        with self.assertRaises(AccessError):
            self.env["dms.settlement.wizard"].with_user(grid_user).create({})
