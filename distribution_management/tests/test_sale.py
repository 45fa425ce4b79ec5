from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.distribution_management.models.sale_order import SaleOrder

from .common import DmsCommon


class DmsSaleCommon(DmsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "loyalty.program" in cls.env:  # sale_loyalty installed
            cls.env["loyalty.program"].search([]).action_archive()
        cls.pricelist_senior = cls.env["product.pricelist"].create(
            {
                "name": "Senior prices",
                "item_ids": [
                    Command.create(
                        {
                            "compute_price": "percentage",
                            "percent_price": 10,
                            "applied_on": "3_global",
                        }
                    )
                ],
            }
        )
        cls.tier_senior.pricelist_id = cls.pricelist_senior
        # tracked in stock when Inventory is installed (the add-ons that
        # deliver count on it); plain goods otherwise
        storable = (
            {"is_storable": True}
            if "is_storable" in cls.env["product.product"]._fields
            else {}
        )
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": f"Juice {index}",
                    **storable,
                    "list_price": 10.0 * (index + 1),
                    "taxes_id": [Command.clear()],
                }
                for index in range(50)
            ]
        )
        cls.juice = cls.products[0]
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Walk-in Customer",
                "country_id": cls.china.id,
                "state_id": cls.shanghai_state.id,
                "city": "Shanghai",
                "zip": "200125",
            }
        )
        cls.dist_a.dms_referral_code = "AAAA1111"
        cls.dist_b.dms_referral_code = "BBBB2222"
        if "stock.warehouse" in cls.env:
            cls.warehouse = cls.env["stock.warehouse"].search(
                [("company_id", "=", cls.company.id)], limit=1
            )

    def _order(self, partner, lines=1, **vals):
        values = {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": 1})
                for product in self.products[:lines]
            ],
        }
        values.update(vals)
        return self.env["sale.order"].create(values)


@tagged("post_install", "-at_install")
class TestTierPrices(DmsSaleCommon):
    def test_pricelist_follows_tier(self):
        self.dist_b.dms_tier_id = self.tier_senior
        self.assertEqual(self.dist_b.property_product_pricelist, self.pricelist_senior)
        order = self._order(self.dist_b)
        self.assertEqual(order.pricelist_id, self.pricelist_senior)
        self.assertAlmostEqual(order.order_line.price_unit, 9.0, places=2)
        # the tier's pricelist changes: its distributors follow
        other = self.pricelist_senior.copy({"name": "Senior 2"})
        self.tier_senior.pricelist_id = other
        self.assertEqual(self.dist_b.property_product_pricelist, other)

    def test_manual_pricelist_is_kept(self):
        manual = self.pricelist_senior.copy({"name": "Negotiated"})
        self.dist_c.write(
            {"dms_pricelist_manual": True, "property_product_pricelist": manual.id}
        )
        self.dist_c.dms_tier_id = self.tier_senior
        self.assertEqual(self.dist_c.property_product_pricelist, manual)
        self.dist_c.dms_pricelist_manual = False
        self.assertEqual(self.dist_c.property_product_pricelist, self.pricelist_senior)


@tagged("post_install", "-at_install")
class TestAttribution(DmsSaleCommon):
    def test_dealer_order(self):
        order = self._order(self.dist_b)
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        self.assertEqual(order.dms_attribution_source, "dealer")
        self.assertEqual(order.dms_grid_id, self.grid_pudong)
        self.assertEqual(
            order.team_id,
            self.env.ref("distribution_management.crm_team_dealer_portal"),
        )
        self.assertEqual(
            order.medium_id,
            self.env.ref("distribution_management.utm_medium_dealer_portal"),
        )

    def test_referral_code(self):
        order = self._order(self.customer, dms_referral_code=" aaaa1111 ")
        self.assertEqual(order.dms_referral_code, "AAAA1111")
        self.assertEqual(order.dms_distributor_id, self.dist_a)
        self.assertEqual(order.dms_attribution_source, "code")
        self.assertEqual(
            order.team_id, self.env.ref("distribution_management.crm_team_referral")
        )
        self.assertTrue(order.source_id)
        self.assertEqual(order.source_id, self.dist_a.dms_utm_source_id)
        self.assertEqual(self._order(self.dist_a).source_id, order.source_id)
        # the code can be typed later, on the quotation
        order2 = self._order(self.customer)
        self.assertFalse(order2.dms_distributor_id)
        order2.dms_referral_code = "BBBB2222"
        self.assertEqual(order2.dms_distributor_id, self.dist_b)

    def test_bad_referral_code(self):
        with self.assertRaises(ValidationError):
            self._order(self.customer, dms_referral_code="NOPE0000")
        self.dist_c.write({"dms_referral_code": "CCCC3333", "dms_state": "suspended"})
        with self.assertRaises(ValidationError):
            self._order(self.customer, dms_referral_code="CCCC3333")

    def test_referral_link_of_the_visit(self):
        with patch.object(
            SaleOrder, "_dms_session_referral_code", lambda self: "BBBB2222"
        ):
            order = self._order(self.customer)
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        self.assertEqual(order.dms_attribution_source, "link")
        self.assertEqual(
            order.medium_id,
            self.env.ref("distribution_management.utm_medium_referral_link"),
        )

    def test_binding_after_first_referral(self):
        self.company.dms_binding_days = 30
        order = self._order(self.customer, dms_referral_code="AAAA1111")
        order.action_confirm()
        self.assertEqual(self.customer.dms_bound_distributor_id, self.dist_a)
        self.assertEqual(
            self.customer.dms_bound_until,
            self.company._dms_today() + timedelta(days=30),
        )
        # the next order, without code, is still credited to A
        order2 = self._order(self.customer)
        self.assertEqual(order2.dms_distributor_id, self.dist_a)
        self.assertEqual(order2.dms_attribution_source, "binding")
        # a later referral does not steal a bound customer
        order3 = self._order(self.customer, dms_referral_code="BBBB2222")
        order3.action_confirm()
        self.assertEqual(self.customer.dms_bound_distributor_id, self.dist_a)
        # an expired binding no longer attributes
        self.customer.dms_bound_until = fields.Date.today() - timedelta(days=1)
        self.assertFalse(self._order(self.customer).dms_distributor_id)

    def test_no_binding_when_disabled(self):
        self.company.dms_binding_days = 0
        self._order(self.customer, dms_referral_code="AAAA1111").action_confirm()
        self.assertFalse(self.customer.dms_bound_distributor_id)

    def test_precedence(self):
        """manual > dealer > code > link > binding"""
        self.customer.write(
            {
                "dms_bound_distributor_id": self.dist_c.id,
                "dms_bound_until": fields.Date.today() + timedelta(days=5),
            }
        )
        with patch.object(
            SaleOrder, "_dms_session_referral_code", lambda self: "BBBB2222"
        ):
            self.assertEqual(self._order(self.customer).dms_distributor_id, self.dist_b)
            order = self._order(self.customer, dms_referral_code="AAAA1111")
            self.assertEqual(order.dms_distributor_id, self.dist_a)
            dealer_order = self._order(self.dist_c, dms_referral_code="AAAA1111")
            self.assertEqual(dealer_order.dms_distributor_id, self.dist_c)
            self.assertEqual(dealer_order.dms_attribution_source, "dealer")
        self.assertEqual(self._order(self.customer).dms_attribution_source, "binding")
        manual = self._order(
            self.customer,
            dms_referral_code="AAAA1111",
            dms_distributor_id=self.dist_south.id,
        )
        self.assertEqual(manual.dms_distributor_id, self.dist_south)
        self.assertEqual(manual.dms_attribution_source, "manual")
        manual.dms_referral_code = "BBBB2222"
        self.assertEqual(manual.dms_distributor_id, self.dist_south, "manual kept")

    def test_grid_follows_delivery_address(self):
        delivery = self.env["res.partner"].create(
            {
                "name": "Guangzhou depot",
                "parent_id": self.customer.id,
                "type": "delivery",
                "country_id": self.china.id,
                "state_id": self.guangdong_state.id,
                "city": "Guangzhou",
                "zip": "510630",
            }
        )
        order = self._order(self.customer, partner_shipping_id=delivery.id)
        self.assertEqual(order.dms_grid_id, self.grid_tianhe)


@tagged("post_install", "-at_install")
class TestSaleAccess(DmsSaleCommon):
    def test_grid_user_sees_orders_of_their_grids(self):
        south_user = self._grid_user("south_sales", self.grid_south)
        pudong_order = self._order(self.dist_b)
        south_order = self._order(self.dist_south)
        Order = self.env["sale.order"].with_user(south_user)
        visible = Order.search([("id", "in", (pudong_order | south_order).ids)])
        self.assertEqual(visible, south_order)
        with self.assertRaises(AccessError):
            pudong_order.with_user(south_user).read(["name"])
        with self.assertRaises(AccessError):
            pudong_order.order_line.with_user(south_user).read(["name"])
        self.assertTrue(south_order.with_user(south_user).order_line.read(["name"]))
        # the channel manager sees both
        manager = self._grid_user(
            "channel_sales",
            self.env["dms.grid"],
            "distribution_management.group_dms_manager",
        )
        self.assertEqual(
            self.env["sale.order"]
            .with_user(manager)
            .search([("id", "in", (pudong_order | south_order).ids)]),
            pudong_order | south_order,
        )
