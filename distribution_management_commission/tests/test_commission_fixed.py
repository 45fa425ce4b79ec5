from contextlib import contextmanager
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import Command, api
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_commission import DmsCommissionCommon


@tagged("post_install", "-at_install")
class TestFixedPerOrder(DmsCommissionCommon):
    """A fixed-per-order rule pays once per order and level; credit notes
    take it back only when the order's net invoiced amount reaches zero."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule.write({"rule_type": "fixed_order", "fixed_amount": 7})
        cls.due = {1: 7.0, 2: 3.5, 3: 1.4}
        cls.nothing = {1: 0.0, 2: 0.0, 3: 0.0}

    def _order(self, quantities=(10, 10)):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "dms_referral_code": "CCCC3333",
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": 10,
                        }
                    )
                    for product, qty in zip(self.products, quantities, strict=False)
                ],
            }
        )
        order.action_confirm()
        return order

    def _deliver_and_invoice(self, order_lines, post=True):
        """An invoice of ``order_lines`` only (the order split in parts)."""
        order = order_lines.order_id
        for line in order.order_line:
            line.qty_delivered = line.product_uom_qty
        invoice = order._create_invoices()
        others = invoice.invoice_line_ids.filtered(
            lambda aml: not (aml.sale_line_ids & order_lines)
        )
        invoice.invoice_line_ids = [Command.unlink(aml.id) for aml in others]
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, order_lines)
        if post:
            invoice.action_post()
        return invoice

    def _net(self, order):
        lines = self.env["dms.commission.line"].search(
            [("sale_order_id", "=", order.id)]
        )
        return self._by_level(lines)

    def _credit(self, invoice, quantity=None):
        refund = invoice._reverse_moves()
        if quantity is not None:
            refund.invoice_line_ids.quantity = quantity
        refund.action_post()
        return refund

    def test_split_invoices_accrue_once(self):
        order = self._order()
        first = self._deliver_and_invoice(order.order_line[0])
        self.assertEqual(self._net(order), self.due)
        second = self._deliver_and_invoice(order.order_line[1])
        self.assertNotEqual(first, second)
        self.assertEqual(self._net(order), self.due, "the second part pays nothing")
        self.assertFalse(self._ledger(second))
        # one line per level, on the first invoice
        self.assertEqual(len(self._ledger(first)), 3)

    def test_split_invoices_posted_together(self):
        order = self._order()
        first = self._deliver_and_invoice(order.order_line[0], post=False)
        second = self._deliver_and_invoice(order.order_line[1], post=False)
        (first | second)._post()
        self.assertEqual(self._net(order), self.due)
        self.assertEqual(len(self._ledger(first | second)), 3)

    def test_two_orders_on_one_invoice_pay_each(self):
        orders = self._order((4,)) | self._order((6,))
        for line in orders.order_line:
            line.qty_delivered = line.product_uom_qty
        invoice = orders._create_invoices()
        self.assertEqual(len(invoice), 1)
        invoice.action_post()
        for order in orders:
            self.assertEqual(self._net(order), self.due)

    def test_partial_credit_notes_never_go_below_zero(self):
        order = self._order((10,))
        invoice = self._deliver_and_invoice(order.order_line)
        self.assertEqual(self._net(order), self.due)
        # a partial credit note takes nothing back
        first = self._credit(invoice, quantity=3)
        self.assertEqual(self._net(order), self.due)
        self.assertFalse(self._ledger(first))
        second = self._credit(invoice, quantity=3)
        self.assertEqual(self._net(order), self.due)
        self.assertFalse(self._ledger(second))
        # the credit note that brings the order to zero takes it all back
        last = self._credit(invoice, quantity=4)
        self.assertEqual(self._net(order), self.nothing)
        self.assertEqual(
            self._by_level(self._ledger(last)), {1: -7.0, 2: -3.5, 3: -1.4}
        )
        # crediting more than was invoiced never makes the commission negative
        self._credit(invoice, quantity=2)
        self.assertEqual(self._net(order), self.nothing)

    def test_full_credit_note_takes_it_back(self):
        order = self._order((10,))
        invoice = self._deliver_and_invoice(order.order_line)
        refund = invoice._reverse_moves(cancel=True)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(self._net(order), self.nothing)
        # invoiced again: due again, once
        self._deliver_and_invoice(order.order_line)
        self.assertEqual(self._net(order), self.due)

    def test_credit_of_one_part_of_a_split_order(self):
        order = self._order()
        first = self._deliver_and_invoice(order.order_line[0])
        second = self._deliver_and_invoice(order.order_line[1])
        # the first part credited in full: the order is still invoiced
        first._reverse_moves(cancel=True)
        self.assertEqual(self._net(order), self.due)
        second._reverse_moves(cancel=True)
        self.assertEqual(self._net(order), self.nothing)

    def test_reset_of_the_credit_note_restores(self):
        order = self._order((10,))
        invoice = self._deliver_and_invoice(order.order_line)
        refund = self._credit(invoice)
        self.assertEqual(self._net(order), self.nothing)
        refund.button_draft()
        self.assertEqual(self._net(order), self.due)
        refund.action_post()
        self.assertEqual(self._net(order), self.nothing)

    def test_reset_of_the_invoice_that_carried_it(self):
        order = self._order()
        first = self._deliver_and_invoice(order.order_line[0])
        second = self._deliver_and_invoice(order.order_line[1])
        first.button_draft()
        # the second part still bills the order: the commission moves there
        self.assertEqual(self._net(order), self.due)
        self.assertEqual(self._by_level(self._ledger(second)), self.due)
        first.button_cancel()
        self.assertEqual(self._net(order), self.due)
        second.button_draft()
        self.assertEqual(self._net(order), self.nothing)
        second.action_post()
        self.assertEqual(self._net(order), self.due)
        # resetting the second again reverses its current posting only once
        second.button_draft()
        second.action_post()
        self.assertEqual(self._net(order), self.due)

    def test_expected_income_counts_the_order_once(self):
        order = self._order()
        expected = dict(
            self.env["dms.commission.line"]._expected_for(self.dist_c, self.company)
        )
        self.assertEqual(expected.get(order), 7.0)
        self._deliver_and_invoice(order.order_line[0])
        expected = dict(
            self.env["dms.commission.line"]._expected_for(self.dist_c, self.company)
        )
        self.assertNotIn(order, expected, "already accrued with the first part")


@tagged("post_install", "-at_install")
class TestShareGuard(DmsCommissionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_manager = new_test_user(
            cls.env,
            login="share_guard_manager",
            groups="distribution_management.group_dms_manager",
        )

    @contextmanager
    def _refused(self):
        # Odoo's assertRaises rolls back to a savepoint (unittest's does not)
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertIn("upline level", str(caught.exception))

    def test_upline_never_earns_more_than_the_level_below(self):
        rule = self.rule.with_user(self.rule_manager)
        rule.write({"level1_share": 80})
        with self._refused():
            rule.write({"level2_share": 80.01})
        with self._refused():
            rule.write({"level3_share": 60})
        with self._refused():
            rule.write({"level1_share": 45})
        with self._refused():
            self.env["dms.commission.rule"].with_user(self.rule_manager).create(
                {"name": "Pyramid", "rate": 5, "level1_share": 10, "level2_share": 20}
            )
        self.rule.invalidate_recordset()
        self.assertEqual(
            (self.rule.level1_share, self.rule.level2_share, self.rule.level3_share),
            (80, 50, 20),
        )
        # equal shares are allowed
        rule.write({"level1_share": 50, "level2_share": 50, "level3_share": 50})

    def test_form_shows_the_total_paid_down_the_chain(self):
        with Form(self.rule.with_user(self.rule_manager)) as form:
            # 10 % shared 100 / 50 / 20: 10 + 5 + 2 = 17 % of the base
            self.assertEqual(form.total_share, 170.0)
            self.assertAlmostEqual(form.total_rate, 17.0, places=4)
            form.level3_share = 10
            self.assertAlmostEqual(form.total_rate, 16.0, places=4)
            form.rule_type = "fixed_order"
            form.fixed_amount = 7
            self.assertAlmostEqual(form.total_fixed_amount, 11.2, places=2)
        self.assertEqual(self.rule.total_share, 160.0)


@tagged("post_install", "-at_install")
class TestFreezeFromPayment(DmsCommissionCommon):
    def test_freeze_counts_from_the_payment_date(self):
        today = self.company._dms_today()
        self.company.write(
            {"dms_commission_trigger": "payment", "dms_commission_freeze_days": 10}
        )
        invoice = self._invoice()
        invoice.invoice_date = today - timedelta(days=40)
        invoice.action_post()
        lines = self._ledger(invoice)
        self.assertEqual(set(lines.mapped("state")), {"pending"})
        Ledger = self.env["dms.commission.line"]
        Ledger._cron_update_states()
        self.assertEqual(set(lines.mapped("state")), {"pending"}, "not paid yet")
        # paid 5 days ago: available 10 days after the payment, not the invoice
        paid_on = today - timedelta(days=5)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": paid_on})._create_payments()
        Ledger._cron_update_states()
        self.assertEqual(set(lines.mapped("state")), {"earned"})
        self.assertEqual(
            set(lines.mapped("available_date")), {paid_on + timedelta(days=10)}
        )
        # an invoice paid 12 days ago is available today
        other = self._invoice()
        other.invoice_date = today - timedelta(days=40)
        other.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=other.ids
        ).create({"payment_date": today - timedelta(days=12)})._create_payments()
        Ledger._cron_update_states()
        self.assertEqual(set(self._ledger(other).mapped("state")), {"available"})
        self.assertEqual(
            set(self._ledger(other).mapped("available_date")),
            {today - timedelta(days=2)},
        )

    def test_on_invoice_trigger_counts_from_the_invoice_date(self):
        today = self.company._dms_today()
        self.company.dms_commission_freeze_days = 10
        invoice = self._invoice()
        invoice.invoice_date = today - timedelta(days=4)
        invoice.action_post()
        self.assertEqual(
            set(self._ledger(invoice).mapped("available_date")),
            {today + timedelta(days=6)},
        )


# committed data: reads the demo distributors (dms_demo)
@tagged("post_install", "-at_install", "dms_demo")
class TestFixedPerOrderConcurrency(TransactionCase):
    """Two invoices of one order posted in two transactions at once."""

    def _committed_env(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return api.Environment(cr, self.env.uid, {})

    def test_two_parts_posted_at_once_pay_once(self):
        setup = self._committed_env()
        seller = setup["res.partner"].search([("dms_state", "=", "approved")], limit=1)
        self.assertTrue(seller, "the demo data has approved distributors")
        product = setup["product.product"].create(
            {
                "name": "Concurrent fixed commission",
                "type": "service",
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        rule = setup["dms.commission.rule"].create(
            {
                "name": "Concurrent fixed",
                "rule_type": "fixed_order",
                "fixed_amount": 9,
                "product_ids": [Command.set(product.ids)],
            }
        )
        customer = setup["res.partner"].create({"name": "Concurrent customer"})
        order = setup["sale.order"].create(
            {
                "partner_id": customer.id,
                "dms_distributor_id": seller.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": p,
                        }
                    )
                    for p in (10, 20)
                ],
            }
        )
        order.action_confirm()
        first = order._create_invoices()
        first.invoice_line_ids = [
            Command.unlink(
                first.invoice_line_ids.filtered(lambda aml: aml.price_unit == 20).id
            )
        ]
        second = order._create_invoices()
        self.assertEqual(len(second.invoice_line_ids), 1)
        # another journal: Odoo's own sequence lock does not serialize them
        journal = first.journal_id.copy({"name": "Concurrent sales", "code": "CSAL"})
        second.journal_id = journal
        setup.cr.commit()
        moves = [first.id, second.id]

        def cleanup():
            with self.registry.cursor() as cr:
                cr.execute(
                    "DELETE FROM dms_commission_line WHERE sale_order_id = %s",
                    [order.id],
                )
                cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [moves])
                cr.execute("DELETE FROM sale_order WHERE id = %s", [order.id])
                cr.execute("DELETE FROM dms_commission_rule WHERE id = %s", [rule.id])
                cr.execute("DELETE FROM account_journal WHERE id = %s", [journal.id])
                cr.execute(
                    "DELETE FROM product_template WHERE id = %s",
                    [product.product_tmpl_id.id],
                )
                cr.execute("DELETE FROM res_partner WHERE id = %s", [customer.id])
            self.registry.clear_cache()

        self.addCleanup(cleanup)

        one, two = self._committed_env(), self._committed_env()
        two.cr.execute("SET lock_timeout = '2s'")
        one["account.move"].browse(first.id).action_post()
        # the first posting is not committed yet: the second one waits on the
        # order's row instead of paying the order a second time
        with mute_logger("odoo.sql_db"), self.assertRaises(OperationalError):
            two["account.move"].browse(second.id).action_post()
        one.cr.commit()
        two.cr.rollback()
        two.invalidate_all()
        two["account.move"].browse(second.id).action_post()  # the retry
        two.cr.commit()
        two.cr.execute(
            "SELECT level, SUM(amount) FROM dms_commission_line "
            "WHERE sale_order_id = %s GROUP BY level",
            [order.id],
        )
        self.assertEqual(dict(two.cr.fetchall()), {1: 9.0})
