from odoo.tests import HttpCase, new_test_user, tagged

from .common import DmsPortalMixin
from .test_sale import DmsSaleCommon


@tagged("post_install", "-at_install")
class TestPortalQuickOrder(DmsSaleCommon, DmsPortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dist_b.write(
            {"dms_tier_id": cls.tier_senior.id, "dms_referral_code": "BBBB2222"}
        )
        cls.tier_senior.min_order_amount = 50
        cls.dealer_user = new_test_user(
            cls.env,
            login="dealer_b",
            password="dealer_b_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )
        contact_c = cls.env["res.partner"].create(
            {"name": "Clerk of C", "parent_id": cls.dist_c.id, "type": "contact"}
        )
        cls.dealer_c_user = new_test_user(
            cls.env,
            login="dealer_c",
            password="dealer_c_pw",
            groups="base.group_portal",
            partner_id=contact_c.id,
        )
        cls.customer_user = new_test_user(
            cls.env,
            login="plain_customer",
            password="plain_customer_pw",
            groups="base.group_portal",
        )
        cls.hidden = cls.env["product.product"].create(
            {"name": "Not for sale", "sale_ok": False, "list_price": 5}
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.foreign = cls.env["product.product"].create(
            {"name": "Foreign", "list_price": 5, "company_id": cls.other_company.id}
        )

    def _post(self, data):
        data = dict(data, csrf_token=self._csrf("/my/dms/order"))
        return self.url_open("/my/dms/order", data=data)

    def _orders(self):
        return self.env["sale.order"].search([("partner_id", "=", self.dist_b.id)])

    def test_quick_order_at_tier_price(self):
        self.authenticate("dealer_b", "dealer_b_pw")
        page = self.url_open("/my/dms/order")
        self.assertIn("Juice 0", page.text)
        self.assertNotIn("Not for sale", page.text)
        self.assertIn("9.00", page.text, "tier price: 10 % off 10.00")
        response = self._post(
            {f"qty_{self.products[0].id}": "3", f"qty_{self.products[1].id}": "2"}
        )
        self.assertEqual(response.status_code, 200)
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sent", "a quotation waiting for approval")
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        self.assertEqual(order.dms_attribution_source, "dealer")
        self.assertEqual(order.pricelist_id, self.pricelist_senior)
        # 3 x 9.00 + 2 x 18.00
        self.assertAlmostEqual(order.amount_untaxed, 63.0, places=2)
        self.assertIn(f"/my/orders/{order.id}", response.url)
        # the dealer sees it in their quotations, then in their orders
        self.assertIn(order.name, self.url_open("/my/quotes").text)
        order.action_confirm()
        self.assertIn(order.name, self.url_open("/my/orders").text)

    def test_quick_order_confirmed_by_setting(self):
        self.company.dms_portal_order_confirm = True
        self.authenticate("dealer_b", "dealer_b_pw")
        self._post({f"qty_{self.products[5].id}": "1"})
        self.assertEqual(self._orders().state, "sale")

    def test_bad_input_writes_nothing(self):
        self.authenticate("dealer_b", "dealer_b_pw")
        juice = self.products[0].id
        cases = {
            "zero": ({f"qty_{juice}": "0"}, "at least one product"),
            "negative": ({f"qty_{juice}": "-4"}, "cannot be negative"),
            "huge": ({f"qty_{juice}": "1000001"}, "cannot exceed"),
            "text": ({f"qty_{juice}": "ten"}, "is not a quantity"),
            "nan": ({f"qty_{juice}": "nan"}, "is not a quantity"),
            "bad key": ({"qty_abc": "1"}, "is not a quantity"),
            "not for sale": ({f"qty_{self.hidden.id}": "10"}, "cannot be ordered"),
            "other company": ({f"qty_{self.foreign.id}": "10"}, "cannot be ordered"),
            "unknown id": ({"qty_999999999": "10"}, "cannot be ordered"),
            "below minimum": ({f"qty_{juice}": "1"}, "minimum order"),
        }
        for name, (data, message) in cases.items():
            with self.subTest(case=name):
                response = self._post(data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertFalse(self._orders())

    def test_no_csrf_refused(self):
        self.authenticate("dealer_b", "dealer_b_pw")
        response = self.url_open(
            "/my/dms/order", data={f"qty_{self.products[5].id}": "10"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._orders())

    def test_contact_of_a_dealer_orders_for_the_company(self):
        self.authenticate("dealer_c", "dealer_c_pw")
        self._post({f"qty_{self.products[9].id}": "1"})
        order = self.env["sale.order"].search([("partner_id", "=", self.dist_c.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.dms_distributor_id, self.dist_c)

    def test_non_dealer_is_turned_away(self):
        self.authenticate("plain_customer", "plain_customer_pw")
        response = self.url_open("/my/dms/order")
        self.assertTrue(response.url.endswith("/my"))
        response = self.url_open("/my/dms")
        self.assertTrue(response.url.endswith("/my"))
        self.dist_b.dms_state = "suspended"
        self.authenticate("dealer_b", "dealer_b_pw")
        self.assertTrue(self.url_open("/my/dms/order").url.endswith("/my"))

    def test_anonymous_redirected_to_login(self):
        response = self.url_open("/my/dms/order")
        self.assertIn("/web/login", response.url)

    def test_dealer_home_shows_link_and_qr(self):
        self.authenticate("dealer_b", "dealer_b_pw")
        page = self.url_open("/my/dms")
        self.assertEqual(page.status_code, 200)
        self.assertIn("/dms/r/BBBB2222", page.text)
        self.assertIn('src="/my/dms/qr.png"', page.text)
        image = self.url_open("/my/dms/qr.png")
        self.assertEqual(image.status_code, 200)
        self.assertEqual(image.headers["Content-Type"], "image/png")
        self.assertTrue(image.content.startswith(b"\x89PNG"))
        self.authenticate("plain_customer", "plain_customer_pw")
        self.assertEqual(self.url_open("/my/dms/qr.png").status_code, 404)

    def test_referral_link(self):
        response = self.url_open("/dms/r/bbbb2222", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        session = self.opener.cookies.get("session_id")
        from odoo.http import root

        self.assertEqual(
            root.session_store.get(session).get("dms_referral_code"), "BBBB2222"
        )
        self.assertIn(
            'value="BBBB2222"', self.url_open("/dms/apply?referral_code=BBBB2222").text
        )
        self.assertEqual(self.url_open("/dms/r/NOPE0000").status_code, 404)
        self.dist_b.dms_state = "suspended"
        self.assertEqual(self.url_open("/dms/r/BBBB2222").status_code, 404)

    def test_foreign_order_refused(self):
        order = self._order(self.dist_c)
        order.action_confirm()
        self.authenticate("dealer_b", "dealer_b_pw")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertNotIn(order.name, response.text)
        self.assertTrue(response.url.endswith("/my"))
        self.authenticate(None, None)
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertIn("/web/login", response.url)
        self.assertEqual(self.dist_b.user_ids, self.dealer_user)
