from odoo import Command
from odoo.http import root
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DmsPortalMixin
from .test_sale import DmsSaleCommon


@tagged("post_install", "-at_install")
class TestReferralLanding(DmsSaleCommon, DmsPortalMixin, HttpCase):
    """The page a customer reaches from a dealer's referral link or QR."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dist_b.city = "杭州"
        cls.company.dms_binding_days = 30

    def _contacts(self):
        """The leads (CRM) or customers made since the test started."""
        model = "crm.lead" if "crm.lead" in self.env else "res.partner"
        return self.env[model].search([("id", ">", self.last_ids[model])])

    def setUp(self):
        super().setUp()
        self.last_ids = {
            model: self.env[model].search([], order="id desc", limit=1).id
            for model in ("crm.lead", "res.partner")
            if model in self.env
        }

    def _post(self, **data):
        token = self._csrf("/dms/r/BBBB2222")
        return self.url_open("/dms/r/BBBB2222", data={"csrf_token": token, **data})

    def test_landing_names_the_dealer(self):
        page = self.url_open("/dms/r/bbbb2222", allow_redirects=False)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.dist_b.name, page.text)
        self.assertIn("杭州", page.text)
        self.assertIn("/dms/apply?referral_code=BBBB2222", page.text)
        sid = self.opener.cookies.get("session_id")
        self.assertEqual(
            root.session_store.get(sid).get("dms_referral_code"), "BBBB2222"
        )
        self.assertEqual(self.url_open("/dms/r/NOPE0000").status_code, 404)

    def test_contact_is_bound_to_the_dealer(self):
        response = self._post(name="张先生", phone="138 0013 8000", message="要样品")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dms_landing_done", response.text)
        contact = self._contacts()
        self.assertEqual(len(contact), 1)
        if contact._name == "res.partner":
            self.assertEqual(contact.name, "张先生")
            self.assertEqual(contact.dms_bound_distributor_id, self.dist_b)
            self.assertTrue(contact.dms_bound_until)
        else:
            self.assertEqual(contact.contact_name, "张先生")

    def test_bad_contact_writes_nothing(self):
        for data in (
            {"name": " ", "phone": "13800138000"},
            {"name": "张", "phone": "abc"},
            {"name": "张", "phone": "13800138000" * 3},
            {"name": "张" * 81, "phone": "13800138000"},
            {"name": "张", "phone": "13800138000", "message": "x" * 1001},
        ):
            with self.subTest(data=data):
                response = self._post(**data)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_dms_landing_error", response.text)
        self.assertFalse(self._contacts())

    def test_throttle(self):
        for _i in range(3):
            self.assertEqual(
                self._post(name="王", phone="13800138000").status_code, 200
            )
        self.assertEqual(self._post(name="王", phone="13800138000").status_code, 400)
        self.assertEqual(len(self._contacts()), 3)


@tagged("post_install", "-at_install")
class TestDealerCenterTiles(DmsSaleCommon, HttpCase):
    def test_month_purchases_and_open_orders(self):
        new_test_user(
            self.env,
            login="tile_dealer",
            password="tile_dealer_pw",
            groups="base.group_portal",
            partner_id=self.dist_b.id,
        )
        today = self.company._dms_today()
        for move_type, amount in (("out_invoice", 1234.56), ("out_refund", 200.01)):
            move = self.env["account.move"].create(
                {
                    "move_type": move_type,
                    "partner_id": self.dist_b.id,
                    "invoice_date": today,
                    "date": today,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.juice.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            move.action_post()
        self._order(self.dist_b)
        self._order(self.dist_a)
        self.authenticate("tile_dealer", "tile_dealer_pw")
        page = self.url_open("/my/dms").text
        tile = page[page.index("o_dms_tile_purchases") :]
        self.assertIn("1,034.55", tile[: tile.index("</a>")])
        tile = page[page.index("o_dms_tile_orders") :]
        self.assertIn(">1<", tile[: tile.index("</a>")])
