"""Claims on stock: return requests asked at the same moment, and returns
of promoted orders credited at what was paid."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.distribution_management.tests.claims import ClaimRaceCase

from .test_return import DmsReturnCommon


@tagged("post_install", "-at_install")
class TestReturnConcurrency(ClaimRaceCase):
    def setUp(self):
        super().setUp()
        setup = self._committed_env()
        self.partner = setup["res.partner"].create({"name": "Concurrent dealer"})
        self.product = setup["product.product"].create(
            {"name": "Concurrent crate", "type": "consu", "list_price": 10.0}
        )
        self.order = setup["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 4,
                            "price_unit": 10.0,
                        }
                    )
                ],
            }
        )
        self.sale_line = self.order.order_line
        # a confirmed order with its 4 units delivered (the delivery itself is
        # not under test: no stock is moved and nothing is left behind)
        setup.cr.execute(
            "UPDATE sale_order SET state = 'sale' WHERE id = %s", [self.order.id]
        )
        setup.cr.execute(
            "UPDATE sale_order_line SET qty_delivered = 4 WHERE id = %s",
            [self.sale_line.id],
        )
        setup.cr.commit()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM dms_return_request WHERE sale_order_id = %s",
                [self.order.id],
            )
            requests = [row[0] for row in cr.fetchall()]
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'dms.return.request' "
                "AND res_id = ANY(%s)",
                [requests],
            )
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'dms.return.request' "
                "AND res_id = ANY(%s)",
                [requests],
            )
            cr.execute("DELETE FROM dms_return_request WHERE id = ANY(%s)", [requests])
            cr.execute("DELETE FROM sale_order WHERE id = %s", [self.order.id])
            cr.execute(
                "DELETE FROM product_template WHERE id = %s",
                [self.product.product_tmpl_id.id],
            )
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner.id])

    def _claim(self, env, quantity):
        """A dealer's return request, as the portal creates and submits it."""
        record = (
            env["dms.return.request"]
            .sudo()
            .create(
                {
                    "sale_order_id": self.order.id,
                    "reason": "Damaged",
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": self.sale_line.id, "quantity": quantity}
                        )
                    ],
                }
            )
        )
        record.action_submit()
        return record.id

    def _claimed(self):
        with self.registry.cursor() as cr:
            cr.execute(
                """
                SELECT coalesce(sum(line.quantity), 0), count(DISTINCT request.id)
                  FROM dms_return_request request
                  JOIN dms_return_request_line line ON line.request_id = request.id
                 WHERE request.sale_order_id = %s
                   AND request.state IN ('draft', 'submitted')
                """,
                [self.order.id],
            )
            return cr.fetchone()

    def test_two_requests_never_exceed_the_returnable_quantity(self):
        first, second, waited = self._race(lambda env: self._claim(env, 3))
        self.assertTrue(first)
        self.assertTrue(waited, "the second request waits on the first one's lock")
        self.assertIsInstance(second.get("error"), ValidationError, second)
        self.assertIn("At most 1.0", second["error"].args[0])
        self.assertEqual(self._claimed(), (3.0, 1))

    def test_requests_within_the_quantity_both_pass(self):
        first, second, __ = self._race(lambda env: self._claim(env, 2))
        self.assertTrue(first)
        self.assertTrue(second.get("result"), second)
        self.assertEqual(self._claimed(), (4.0, 2))


@tagged("post_install", "-at_install")
class TestReturnPromotion(DmsReturnCommon):
    """A returned unit of a promoted order is credited at its net price."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_prices = cls.env["product.pricelist"].create(
            {"name": "Plain prices", "currency_id": cls.company.currency_id.id}
        )
        cls.ten_off = cls._program(
            "10 % off the order",
            rule={"minimum_amount": 0},
            reward={"discount": 10, "discount_mode": "percent"},
        )
        cls.fifty = cls.products[4]  # 50.00, no taxes
        cls.twenty = cls.products[1]  # 20.00, no taxes

    @classmethod
    def _program(cls, name, rule=None, reward=None, **vals):
        values = {
            "name": name,
            "program_type": "promotion",
            "trigger": "auto",
            "applies_on": "current",
            "rule_ids": [
                Command.create(dict({"reward_point_amount": 1}, **(rule or {})))
            ],
            "reward_ids": [
                Command.create(
                    dict(
                        {"reward_type": "discount", "discount_applicability": "order"},
                        **(reward or {}),
                    )
                )
            ],
        }
        values.update(vals)
        return cls.env["loyalty.program"].create(values)

    @staticmethod
    def _apply_automatic_rewards(order):
        """Claim the order's single, automatic rewards, as the promotions
        add-on does for quick orders (this add-on does not depend on it)."""
        order._update_programs_and_rewards()
        for coupon, rewards in order._get_claimable_rewards().items():
            program = coupon.program_id
            if (
                program.trigger != "auto"
                or len(program.reward_ids) != 1
                or program.is_nominative
                or (rewards.reward_type == "product" and rewards.multi_product)
                or rewards in order.order_line.reward_id
            ):
                continue
            order._apply_program_reward(rewards, coupon)

    def _promoted_order(self, lines):
        """A delivered and invoiced order of [(product, qty, price)], its
        automatic promotions applied."""
        warehouse = self.env.user._get_default_warehouse_id()
        for product, qty, __ in lines:
            self.env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, qty
            )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.dist_b.id,
                "pricelist_id": self.plain_prices.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                        }
                    )
                    for product, qty, price in lines
                ],
            }
        )
        self._apply_automatic_rewards(order)
        self.assertTrue(order.order_line.reward_id, "the promotion applies")
        order.action_confirm()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        invoice = order._create_invoices()
        invoice.action_post()
        return order, invoice

    def _return(self, order, product, qty):
        """Return ``qty`` of ``product`` through the whole flow: (request,
        estimate before approval, posted credit note)."""
        line = order.order_line.filtered(lambda sl: sl.product_id == product)
        request = self.env["dms.return.request"].create(
            {
                "sale_order_id": order.id,
                "reason": "Damaged",
                "line_ids": [
                    Command.create({"sale_line_id": line.id, "quantity": qty})
                ],
            }
        )
        estimate = request.amount_estimated
        request.action_submit()
        request.action_approve()
        self._receive(request.return_picking_ids, qty)
        request.action_create_credit_note()
        credit_note = request.credit_note_ids
        credit_note.action_post()
        return request, estimate, credit_note

    def test_part_of_a_promoted_order_credits_the_net_price(self):
        order, invoice = self._promoted_order([(self.fifty, 4, 50.0)])
        self.assertAlmostEqual(invoice.amount_total, 180.0, places=2)
        request, estimate, credit_note = self._return(order, self.fifty, 1)
        self.assertAlmostEqual(estimate, 45.0, places=2)
        self.assertAlmostEqual(credit_note.amount_total, 45.0, places=2)
        self.assertAlmostEqual(request.amount_estimated, 45.0, places=2)
        # the discount line keeps its invoiced quantity: nothing to invoice again
        reward_line = order.order_line.filtered("reward_id")
        self.assertEqual(reward_line.qty_invoiced, 1)
        self.assertFalse(reward_line.qty_to_invoice)
        __, estimate, rest = self._return(order, self.fifty, 3)
        self.assertAlmostEqual(estimate, 135.0, places=2)
        self.assertAlmostEqual(rest.amount_total, 135.0, places=2)
        self.assertAlmostEqual(
            credit_note.amount_total + rest.amount_total, invoice.amount_total, places=2
        )

    def test_full_return_unit_by_unit_credits_the_invoice_to_the_cent(self):
        order, invoice = self._promoted_order([(self.fifty, 3, 33.33)])
        # 99.99 less 10 %: 90.00 less a rounded 9.999
        self.assertAlmostEqual(invoice.amount_total, 89.99, places=2)
        credits = [
            self._return(order, self.fifty, 1)[2].amount_total for __ in range(3)
        ]
        # the rounding remainder falls on the last units
        self.assertEqual([round(c, 2) for c in credits], [30.0, 29.99, 30.0])
        self.assertAlmostEqual(sum(credits), invoice.amount_total, places=2)

    def test_specific_product_discount_is_shared_over_its_products(self):
        self.ten_off.active = False
        program = self._program(
            "10 % off the 50.00 product",
            rule={"minimum_amount": 0},
            reward={
                "discount": 10,
                "discount_mode": "percent",
                "discount_applicability": "specific",
                "discount_product_ids": [Command.set(self.fifty.ids)],
            },
        )
        order, invoice = self._promoted_order(
            [(self.fifty, 2, 50.0), (self.twenty, 1, 20.0)]
        )
        self.assertEqual(order.order_line.reward_id.program_id, program)
        self.assertAlmostEqual(invoice.amount_total, 110.0, places=2)
        # the product without the discount is credited at its price
        __, estimate, credit_note = self._return(order, self.twenty, 1)
        self.assertAlmostEqual(estimate, 20.0, places=2)
        self.assertAlmostEqual(credit_note.amount_total, 20.0, places=2)
        __, estimate, credit_note = self._return(order, self.fifty, 1)
        self.assertAlmostEqual(estimate, 45.0, places=2)
        self.assertAlmostEqual(credit_note.amount_total, 45.0, places=2)

    def test_taxed_order_full_return_credits_the_invoice(self):
        tax = self.env["account.tax"].create(
            {"name": "VAT 15 %", "amount": 15.0, "type_tax_use": "sale"}
        )
        product = self.env["product.product"].create(
            {
                "name": "Taxed crate",
                "is_storable": True,
                "list_price": 50.0,
                "taxes_id": [Command.set(tax.ids)],
            }
        )
        order, invoice = self._promoted_order([(product, 4, 50.0)])
        self.assertAlmostEqual(invoice.amount_untaxed, 180.0, places=2)
        self.assertAlmostEqual(invoice.amount_total, 207.0, places=2)
        __, estimate, credit_note = self._return(order, product, 1)
        self.assertAlmostEqual(estimate, 45.0, places=2)
        self.assertAlmostEqual(credit_note.amount_untaxed, 45.0, places=2)
        self.assertAlmostEqual(credit_note.amount_total, 51.75, places=2)
        __, __, rest = self._return(order, product, 3)
        self.assertAlmostEqual(
            credit_note.amount_total + rest.amount_total, invoice.amount_total, places=2
        )
