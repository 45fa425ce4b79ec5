import re

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_sale import DmsSaleCommon


class DmsReturnCommon(DmsSaleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dms_binding_days = 0
        cls.order = cls._delivered_order(cls.dist_b, 5)

    @classmethod
    def _delivered_order(cls, partner, qty):
        warehouse = cls.env.user._get_default_warehouse_id()
        cls.env["stock.quant"]._update_available_quantity(
            cls.juice, warehouse.lot_stock_id, qty
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": cls.juice.id, "product_uom_qty": qty})
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = qty
        picking.button_validate()
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


@tagged("post_install", "-at_install")
class TestReturn(DmsReturnCommon):
    def test_full_flow_return_and_credit_note(self):
        line = self.order.order_line
        self.assertEqual(line.qty_delivered, 5)
        request = self._request(2)
        self.assertTrue(request.name.startswith("DMSR/"))
        self.assertEqual(request.partner_id, self.dist_b)
        self.assertEqual(request.dms_grid_id, self.grid_pudong)
        request.action_submit()
        request.action_approve()
        self.assertEqual(request.state, "approved")
        picking = request.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.move_ids.product_uom_qty, 2)
        with self.assertRaisesRegex(UserError, "Validate the return"):
            request.action_create_credit_note()
        picking.move_ids.quantity = 2
        picking.button_validate()
        self.assertEqual(line.qty_delivered, 3)
        request.action_create_credit_note()
        self.assertEqual(request.state, "done")
        credit_note = request.credit_note_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.invoice_line_ids.quantity, 2)
        self.assertAlmostEqual(
            credit_note.amount_untaxed, 2 * line.price_unit, places=2
        )
        credit_note.action_post()
        self.assertEqual(line.qty_invoiced, 3)
        self.assertEqual(line._dms_returnable_qty(), 3)

    def test_quantities_are_capped(self):
        savepoint = self.env.cr.savepoint
        with self.assertRaisesRegex(ValidationError, "At most"), savepoint():
            self._request(6)
        with self.assertRaisesRegex(ValidationError, "positive"), savepoint():
            self._request(0)
        self.assertFalse(self.env["dms.return.request"].search([]), "rolled back")
        self.assertEqual(self.order.order_line._dms_returnable_qty(), 5)
        first = self._request(4)
        first.action_submit()
        with self.assertRaisesRegex(ValidationError, "At most 1"), savepoint():
            self._request(2)
        # rejecting frees the quantity
        with self.assertRaisesRegex(UserError, "reason"):
            first.action_reject()
        first.reject_reason = "Not damaged"
        first.action_reject()
        self.assertEqual(first.state, "rejected")
        self.assertTrue(self._request(5))

    def test_state_guards(self):
        request = self._request(1)
        with self.assertRaises(UserError):
            request.action_approve()
        with self.assertRaises(UserError):
            request.action_create_credit_note()
        request.action_submit()
        with self.assertRaises(UserError):
            request.action_submit()

    def test_exchange_sends_goods_again(self):
        request = self._request(1, request_type="exchange")
        request.action_submit()
        request.action_approve()
        self.assertEqual(request.picking_ids.picking_type_code, "incoming")
        outgoing = self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "done"
        )
        self.assertEqual(outgoing.move_ids.product_uom_qty, 1, "replacement delivery")

    def test_grid_user_access(self):
        pudong_user = self._grid_user("pudong_returns", self.grid_pudong)
        south_user = self._grid_user("south_returns", self.grid_south)
        request = self._request(1)
        self.assertEqual(
            self.env["dms.return.request"].with_user(pudong_user).search([]), request
        )
        self.assertFalse(
            self.env["dms.return.request"].with_user(south_user).search([])
        )
        with self.assertRaises(AccessError):
            request.with_user(south_user).read(["name"])


@tagged("post_install", "-at_install")
class TestReturnPortal(DmsReturnCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="ret_b",
            password="ret_b_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )
        new_test_user(
            cls.env,
            login="ret_c",
            password="ret_c_pw",
            groups="base.group_portal",
            partner_id=cls.dist_c.id,
        )
        cls.order.message_subscribe(partner_ids=cls.dist_b.ids)

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
        response = self._post(
            {f"qty_{line.id}": "2", "request_type": "return", "reason": "Leaking"}
        )
        self.assertEqual(response.status_code, 200)
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.line_ids.quantity, 2)
        self.assertIn(request.name, response.text)
        self.assertIn(request.name, self.url_open("/my/dms/returns").text)

    def test_bad_input_writes_nothing(self):
        self.authenticate("ret_b", "ret_b_pw")
        line = self.order.order_line
        other_line = self._delivered_order(self.dist_c, 1).order_line
        cases = {
            "zero": ({f"qty_{line.id}": "0"}, "at least one product"),
            "negative": ({f"qty_{line.id}": "-1"}, "cannot be negative"),
            "too many": ({f"qty_{line.id}": "6"}, "At most"),
            "text": ({f"qty_{line.id}": "two"}, "is not a quantity"),
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
                self.assertFalse(self._requests())

    def test_other_dealer_refused(self):
        self.authenticate("ret_c", "ret_c_pw")
        response = self.url_open(f"/my/orders/{self.order.id}/return")
        self.assertEqual(response.status_code, 403)
        response = self._post(
            {
                f"qty_{self.order.order_line.id}": "1",
                "request_type": "return",
                "reason": "x",
            }
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self._requests())
        request = self._request(1)
        self.assertEqual(
            self.url_open(f"/my/dms/returns/{request.id}").status_code, 403
        )
        self.assertNotIn(request.name, self.url_open("/my/dms/returns").text)

    def test_anonymous_redirected(self):
        response = self.url_open(f"/my/orders/{self.order.id}/return")
        self.assertIn("/web/login", response.url)
