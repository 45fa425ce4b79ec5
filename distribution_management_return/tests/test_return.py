import re

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.test_sale import DmsSaleCommon


class DmsReturnCommon(DmsSaleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dms_binding_days = 0
        cls.order = cls._delivered_order(cls.dist_b, 5)

    @classmethod
    def _delivered_order(cls, partner, qty, product=None, invoice=True):
        product = product or cls.juice
        warehouse = cls.env.user._get_default_warehouse_id()
        cls.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, qty
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            # figures independent of the dealer's tier prices
                            "price_unit": product.list_price,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = qty
        picking.button_validate()
        if invoice:
            order._create_invoices().action_post()
        return order

    def _request(self, qty, order=None, **vals):
        order = order or self.order
        return self.env["dms.return.request"].create(
            dict(
                {
                    "sale_order_id": order.id,
                    "reason": "Damaged in transport",
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": order.order_line.id, "quantity": qty}
                        )
                    ],
                },
                **vals,
            )
        )

    def _approved(self, qty, order=None, **vals):
        request = self._request(qty, order=order, **vals)
        request.action_submit()
        request.action_approve()
        return request

    @staticmethod
    def _receive(picking, qty, backorder=True):
        picking.move_ids.quantity = qty
        action = picking.button_validate()
        if action is not True:
            wizard = Form.from_action(picking.env, action).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()


@tagged("post_install", "-at_install")
class TestReturn(DmsReturnCommon):
    def test_full_flow_return_and_credit_note(self):
        line = self.order.order_line
        self.assertEqual(line.qty_delivered, 5)
        self.assertEqual(line.price_unit, 10.0)
        request = self._request(2)
        self.assertTrue(request.name.startswith("DMSR/"))
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.partner_id, self.dist_b)
        self.assertEqual(request.dms_grid_id, self.grid_pudong)
        self.assertEqual(request.company_id, self.order.company_id)
        self.assertEqual(request.line_ids.returnable_qty, 5)
        self.assertEqual(request.amount_estimated, 20.0)
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        request.action_approve()
        self.assertEqual(request.state, "approved")
        picking = request.return_picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_code, "incoming")
        delivery = self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        self.assertEqual(picking.return_id, delivery)
        self.assertEqual(picking.move_ids.product_uom_qty, 2)
        self.assertTrue(picking.move_ids.to_refund)
        self.assertFalse(request.exchange_picking_ids)
        # the pending return holds its quantity back
        self.assertEqual(line._dms_returnable_qty(), 3)
        with self.assertRaisesRegex(UserError, "Validate the return"):
            request.action_create_credit_note()
        self._receive(picking, 2)
        self.assertEqual(picking.state, "done")
        self.assertEqual(line.qty_delivered, 3)
        self.assertEqual(line._dms_returnable_qty(), 3)
        request.action_create_credit_note()
        self.assertEqual(request.state, "done")
        credit_note = request.credit_note_ids
        self.assertEqual(len(credit_note), 1)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.partner_id, self.dist_b)
        self.assertIn(request.name, credit_note.ref)
        self.assertEqual(credit_note.invoice_line_ids.quantity, 2)
        self.assertEqual(credit_note.invoice_line_ids.sale_line_ids, line)
        self.assertEqual(credit_note.amount_untaxed, 20.0)
        self.assertEqual(credit_note.amount_total, 20.0)
        credit_note.action_post()
        self.assertEqual(line.qty_invoiced, 3)
        self.assertIn(credit_note, self.order.invoice_ids)
        self.assertEqual(line._dms_returnable_qty(), 3)
        # a finished request stays
        with self.assertRaises(UserError):
            request.unlink()

    def test_delivery_policy_credits_what_is_no_longer_due(self):
        product = self.products[1]
        product.invoice_policy = "delivery"
        order = self._delivered_order(self.dist_b, 4, product=product)
        line = order.order_line
        self.assertEqual(line.price_unit, 20.0)
        request = self._approved(3, order=order)
        self._receive(request.return_picking_ids, 3)
        self.assertEqual(line.qty_delivered, 1)
        self.assertEqual(line.qty_to_invoice, -3)
        request.action_create_credit_note()
        credit_note = request.credit_note_ids
        self.assertEqual(credit_note.invoice_line_ids.quantity, 3)
        self.assertEqual(credit_note.amount_total, 60.0)
        credit_note.action_post()
        self.assertEqual(line.qty_to_invoice, 0)
        self.assertNotEqual(order.invoice_status, "to invoice")

    def test_return_of_goods_never_invoiced_needs_no_credit_note(self):
        product = self.products[2]
        product.invoice_policy = "delivery"
        order = self._delivered_order(self.dist_b, 4, product=product, invoice=False)
        request = self._approved(1, order=order)
        self._receive(request.return_picking_ids, 1)
        request.action_create_credit_note()
        self.assertEqual(request.state, "done")
        self.assertFalse(request.credit_note_ids)
        self.assertEqual(order.order_line.qty_to_invoice, 3)

    def test_partial_receipt_credits_what_came_back(self):
        request = self._approved(2)
        picking = request.return_picking_ids
        self._receive(picking, 1, backorder=True)
        backorder = picking.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        line = self.order.order_line
        # 4 delivered, 1 still coming back
        self.assertEqual(line._dms_returnable_qty(), 3)
        with self.assertRaisesRegex(UserError, "Validate the return"):
            request.action_create_credit_note()
        # the rest is not coming: the backorder is cancelled
        backorder.action_cancel()
        self.assertEqual(line._dms_returnable_qty(), 4)
        request.action_create_credit_note()
        self.assertEqual(request.credit_note_ids.invoice_line_ids.quantity, 1)
        self.assertEqual(request.credit_note_ids.amount_total, 10.0)

    def test_quantities_are_capped(self):
        savepoint = self.env.cr.savepoint
        with self.assertRaisesRegex(ValidationError, "At most"), savepoint():
            self._request(6)
        with self.assertRaisesRegex(ValidationError, "positive"), savepoint():
            self._request(0)
        with self.assertRaisesRegex(ValidationError, "positive"), savepoint():
            self._request(-1)
        self.assertFalse(self.env["dms.return.request"].search([]), "rolled back")
        self.assertEqual(self.order.order_line._dms_returnable_qty(), 5)
        first = self._request(4)
        first.action_submit()
        with self.assertRaisesRegex(ValidationError, "At most 1"), savepoint():
            self._request(2)
        # rejecting frees the quantity
        with self.assertRaisesRegex(UserError, "reason"):
            first.action_reject()
        first.action_reject(reason="Not damaged")
        self.assertEqual(first.state, "rejected")
        self.assertEqual(first.reject_reason, "Not damaged")
        self.assertEqual(self.order.order_line._dms_returnable_qty(), 5)
        self.assertTrue(self._request(5))

    def test_same_line_twice_counts_once(self):
        line = self.order.order_line
        with self.assertRaisesRegex(ValidationError, "At most 5"):
            self.env["dms.return.request"].create(
                {
                    "sale_order_id": self.order.id,
                    "reason": "Twice",
                    "line_ids": [
                        Command.create({"sale_line_id": line.id, "quantity": 3}),
                        Command.create({"sale_line_id": line.id, "quantity": 3}),
                    ],
                }
            )

    def test_lines_of_another_order_refused(self):
        other = self._delivered_order(self.dist_b, 2)
        with self.assertRaisesRegex(ValidationError, "must come from order"):
            self.env["dms.return.request"].create(
                {
                    "sale_order_id": self.order.id,
                    "reason": "Mixed",
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": other.order_line.id, "quantity": 1}
                        )
                    ],
                }
            )

    def test_undelivered_order_refused(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.dist_b.id,
                "order_line": [
                    Command.create({"product_id": self.juice.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        with self.assertRaisesRegex(ValidationError, "nothing can be returned"):
            self._request(1, order=order)

    def test_state_guards(self):
        request = self._request(1)
        for action in ("action_approve", "action_create_credit_note"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(request, action)()
        with self.assertRaises(UserError):
            request.action_reject(reason="No")
        request.action_submit()
        with self.assertRaises(UserError):
            request.action_submit()
        with self.assertRaises(UserError):
            request.action_create_credit_note()
        request.action_approve()
        with self.assertRaises(UserError):
            request.action_approve()
        with self.assertRaises(UserError):
            request.action_reject(reason="Too late")
        self.assertEqual(len(request.return_picking_ids), 1, "no second transfer")
        with self.assertRaises(UserError):
            request.unlink()

    def test_submit_needs_lines(self):
        request = self.env["dms.return.request"].create(
            {"sale_order_id": self.order.id, "reason": "Nothing"}
        )
        with self.assertRaisesRegex(UserError, "at least one product"):
            request.action_submit()

    def test_exchange_sends_goods_again(self):
        request = self._approved(1, request_type="exchange")
        self.assertEqual(request.return_picking_ids.picking_type_code, "incoming")
        outgoing = self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "done"
        )
        self.assertEqual(outgoing.move_ids.product_uom_qty, 1, "replacement delivery")
        self.assertEqual(request.exchange_picking_ids, outgoing)
        self.assertEqual(outgoing.move_ids.sale_line_id, self.order.order_line)
        self._receive(request.return_picking_ids, 1)
        request.action_create_credit_note()
        self.assertEqual(request.state, "done")
        self.assertFalse(request.credit_note_ids, "an exchange credits nothing")
        self._receive(outgoing, 1)
        self.assertEqual(self.order.order_line.qty_delivered, 5)

    def test_grid_user_access(self):
        pudong_user = self._grid_user("pudong_returns", self.grid_pudong)
        south_user = self._grid_user("south_returns", self.grid_south)
        request = self._request(1)
        Request = self.env["dms.return.request"]
        self.assertEqual(Request.with_user(pudong_user).search([]), request)
        self.assertFalse(Request.with_user(south_user).search([]))
        self.assertFalse(
            self.env["dms.return.request.line"].with_user(south_user).search([])
        )
        with self.assertRaises(AccessError):
            request.with_user(south_user).read(["name"])
        with self.assertRaises(AccessError):
            request.with_user(south_user).action_submit()
        self.assertEqual(request.state, "draft")
        # the grid manager reviews the returns of their grid, without
        # Inventory rights: the return transfer is still made
        request.with_user(pudong_user).action_submit()
        request.with_user(pudong_user).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(len(request.return_picking_ids), 1)


@tagged("post_install", "-at_install")
class TestReturnPortal(DmsReturnCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        buyer = cls.env["res.partner"].create(
            {"name": "Buyer of Dist B", "parent_id": cls.dist_b.id, "type": "contact"}
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="ret_b",
            password="ret_b_pw",
            groups="base.group_portal",
            partner_id=buyer.id,
        )
        cls.portal_c = new_test_user(
            cls.env,
            login="ret_c",
            password="ret_c_pw",
            groups="base.group_portal",
            partner_id=cls.dist_c.id,
        )

    def _csrf(self, url):
        page = self.url_open(url)
        return re.search(r'csrf_token: "([^"]+)"', page.text).group(1)

    def _post(self, data, order=None):
        url = f"/my/orders/{(order or self.order).id}/return"
        return self.url_open(url, data=dict(data, csrf_token=self._csrf("/my")))

    def _requests(self):
        return self.env["dms.return.request"].search([])

    def test_request_from_the_portal(self):
        self.authenticate("ret_b", "ret_b_pw")
        page = self.url_open(f"/my/orders/{self.order.id}")
        self.assertIn(f"/my/orders/{self.order.id}/return", page.text)
        form = self.url_open(f"/my/orders/{self.order.id}/return")
        self.assertEqual(form.status_code, 200)
        line = self.order.order_line
        self.assertIn(f'name="qty_{line.id}"', form.text)
        response = self._post(
            {f"qty_{line.id}": "2", "request_type": "exchange", "reason": "Leaking"}
        )
        self.assertEqual(response.status_code, 200)
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.request_type, "exchange")
        self.assertEqual(request.partner_id, self.dist_b)
        self.assertEqual(request.reason, "Leaking")
        self.assertEqual(request.line_ids.quantity, 2)
        self.assertIn(request.name, response.text)
        self.assertIn(request.name, self.url_open("/my/dms/returns").text)
        # the dealer follows the return transfer
        request.action_approve()
        detail = self.url_open(f"/my/dms/returns/{request.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn(request.return_picking_ids.name, detail.text)
        # the form now offers what is left
        form = self.url_open(f"/my/orders/{self.order.id}/return")
        self.assertIn(">3.0<", form.text)
        # the dealer reads their own requests, nothing more, and writes nothing
        Request = self.env["dms.return.request"].with_user(self.portal_b)
        self.assertEqual(Request.search([]), request)
        with self.assertRaises(AccessError):
            Request.create({"sale_order_id": self.order.id, "reason": "x"})
        with self.assertRaises(AccessError):
            request.with_user(self.portal_b).write({"reason": "changed"})

    def test_bad_input_writes_nothing(self):
        self.authenticate("ret_b", "ret_b_pw")
        line = self.order.order_line
        other_line = self._delivered_order(self.dist_c, 1).order_line
        cases = {
            "zero": ({f"qty_{line.id}": "0"}, "at least one product"),
            "nothing": ({}, "at least one product"),
            "negative": ({f"qty_{line.id}": "-1"}, "cannot be negative"),
            "too many": ({f"qty_{line.id}": "6"}, "At most"),
            "text": ({f"qty_{line.id}": "two"}, "is not a quantity"),
            "not finite": ({f"qty_{line.id}": "nan"}, "is not a quantity"),
            "infinite": ({f"qty_{line.id}": "inf"}, "is not a quantity"),
            "too fine": ({f"qty_{line.id}": "0.0001"}, "steps of"),
            "foreign line": ({f"qty_{other_line.id}": "1"}, "do not belong"),
            "no reason": ({f"qty_{line.id}": "1", "reason": " "}, "why you return"),
            "bad type": (
                {f"qty_{line.id}": "1", "request_type": "gift"},
                "Choose a return",
            ),
        }
        for name, (data, message) in cases.items():
            with self.subTest(case=name):
                payload = dict({"request_type": "return", "reason": "Leaking"}, **data)
                response = self._post(payload)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertIn("o_dms_return_errors", response.text)
                self.assertFalse(self._requests())
        # what an open request holds back is refused too
        self._request(4).action_submit()
        response = self._post(
            {f"qty_{line.id}": "2", "request_type": "return", "reason": "Leaking"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("At most 1", response.text)
        self.assertEqual(len(self._requests()), 1)

    def test_other_dealer_refused(self):
        request = self._request(1)
        self.authenticate("ret_c", "ret_c_pw")
        response = self.url_open(f"/my/orders/{self.order.id}/return")
        self.assertEqual(response.status_code, 403)
        # even with the order's share link
        token = self.order._portal_ensure_token()
        response = self.url_open(
            f"/my/orders/{self.order.id}/return?access_token={token}"
        )
        self.assertEqual(response.status_code, 403)
        response = self._post(
            {
                f"qty_{self.order.order_line.id}": "1",
                "request_type": "return",
                "reason": "x",
            }
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._requests(), request, "nothing written")
        self.assertEqual(
            self.url_open(f"/my/dms/returns/{request.id}").status_code, 403
        )
        self.assertEqual(self.url_open("/my/dms/returns/999999").status_code, 404)
        self.assertNotIn(request.name, self.url_open("/my/dms/returns").text)
        self.assertFalse(
            self.env["dms.return.request"].with_user(self.portal_c).search([])
        )
        with self.assertRaises(AccessError):
            request.with_user(self.portal_c).read(["name"])
        # no return button on an order the dealer may see but did not buy
        self.order.message_subscribe(partner_ids=self.dist_c.ids)
        page = self.url_open(f"/my/orders/{self.order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_dms_request_return", page.text)

    def test_anonymous_redirected(self):
        request = self._request(1)
        for url in (
            f"/my/orders/{self.order.id}/return",
            "/my/dms/returns",
            f"/my/dms/returns/{request.id}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn("/web/login", response.url)
