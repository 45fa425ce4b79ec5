from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management.tests.test_sale import DmsSaleCommon


@tagged("post_install", "-at_install")
class TestPortalQuickOrderStock(DmsSaleCommon, DmsPortalMixin, HttpCase):
    """The quick order shows what the dealer's serving warehouse holds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wh_pudong = cls.env["stock.warehouse"].create(
            {"name": "Pudong WH", "code": "PDW"}
        )
        cls.grid_pudong.warehouse_id = cls.wh_pudong
        cls.dealer_user = new_test_user(
            cls.env,
            login="dealer_b",
            password="dealer_b_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )

    def _badge(self, page, product):
        row = page.text.split(f'data-product-id="{product.id}"', 1)[1]
        return row.split("</tr>", 1)[0]

    def test_stock_of_the_serving_warehouse(self):
        Quant = self.env["stock.quant"]
        juice, other, low = self.products[:3]
        Quant._update_available_quantity(juice, self.wh_pudong.lot_stock_id, 12)
        Quant._update_available_quantity(low, self.wh_pudong.lot_stock_id, 3)
        # stock elsewhere does not count
        Quant._update_available_quantity(other, self.warehouse.lot_stock_id, 50)
        service = self.env["product.product"].create(
            {"name": "Juice Delivery Fee", "type": "service", "list_price": 5}
        )
        self.authenticate("dealer_b", "dealer_b_pw")
        page = self.url_open("/my/dms/order?search=Juice")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Stock of Pudong WH.", page.text)
        self.assertIn("In stock", self._badge(page, juice))
        self.assertIn("On order", self._badge(page, other))
        self.assertIn("Low stock", self._badge(page, low))
        self.assertIn("Available", self._badge(page, service))
