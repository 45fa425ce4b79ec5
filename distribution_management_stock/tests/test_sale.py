"""Orders routed to the warehouse of their grid."""

from odoo import Command
from odoo.tests import tagged
from odoo.tests.common import warmup

from odoo.addons.distribution_management.tests.test_sale import DmsSaleCommon


@tagged("post_install", "-at_install")
class TestRouting(DmsSaleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.wh_pudong = Warehouse.create({"name": "Pudong WH", "code": "PDW"})
        cls.wh_east = Warehouse.create({"name": "East WH", "code": "ECW"})
        cls.grid_pudong.warehouse_id = cls.wh_pudong
        cls.grid_east.warehouse_id = cls.wh_east

    def _stock(self, warehouse, qty, product=None):
        self.env["stock.quant"]._update_available_quantity(
            product or self.juice, warehouse.lot_stock_id, qty
        )

    def test_draft_order_uses_grid_warehouse(self):
        order = self._order(self.customer)
        self.assertEqual(order.warehouse_id, self.wh_pudong)
        # a grid without warehouse inherits its ancestor's
        self.grid_pudong.warehouse_id = False
        self.assertEqual(self._order(self.customer).warehouse_id, self.wh_east)

    def test_serving_warehouse_covers(self):
        self._stock(self.wh_pudong, 5)
        order = self._order(self.customer, order_line=[])
        order.order_line = [
            Command.create({"product_id": self.juice.id, "product_uom_qty": 5})
        ]
        order.action_confirm()
        self.assertEqual(order.warehouse_id, self.wh_pudong)
        self.assertIn("Pudong WH", order.dms_routing_note)
        self.assertEqual(order.picking_ids.picking_type_id.warehouse_id, self.wh_pudong)

    def test_fallback_to_ancestor_then_default(self):
        self._stock(self.wh_pudong, 2)
        self._stock(self.wh_east, 10)
        order = self._order(self.customer, order_line=[])
        order.order_line = [
            Command.create({"product_id": self.juice.id, "product_uom_qty": 5})
        ]
        order.action_confirm()
        self.assertEqual(order.warehouse_id, self.wh_east)
        self.assertIn("parent grid", order.dms_routing_note)
        self.assertEqual(order.picking_ids.picking_type_id.warehouse_id, self.wh_east)
        # nobody covers 50: company default
        order2 = self._order(self.customer, order_line=[])
        order2.order_line = [
            Command.create({"product_id": self.juice.id, "product_uom_qty": 50})
        ]
        order2.action_confirm()
        default = self.env.user._get_default_warehouse_id()
        self.assertEqual(order2.warehouse_id, default)
        self.assertIn("company default", order2.dms_routing_note)

    def test_reserved_stock_does_not_count(self):
        self._stock(self.wh_pudong, 5)
        first = self._order(self.customer, order_line=[])
        first.order_line = [
            Command.create({"product_id": self.juice.id, "product_uom_qty": 5})
        ]
        first.action_confirm()
        self.assertEqual(first.warehouse_id, self.wh_pudong)
        second = self._order(self.customer, order_line=[])
        second.order_line = [
            Command.create({"product_id": self.juice.id, "product_uom_qty": 1})
        ]
        second.action_confirm()
        self.assertNotEqual(second.warehouse_id, self.wh_pudong)


@tagged("post_install", "-at_install")
class TestConfirmQueryBudget(DmsSaleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wh_pudong = cls.env["stock.warehouse"].create(
            {"name": "Pudong WH", "code": "PDW"}
        )
        cls.grid_pudong.warehouse_id = cls.wh_pudong
        cls.company.dms_binding_days = 30

    def _confirm_queries(self, order):
        order.invalidate_model()
        count = self.cr.sql_log_count
        order.action_confirm()
        return self.cr.sql_log_count - count

    def _plain_order(self, lines):
        """The same order for the same kind of customer, without distribution
        data: no grid, no distributor."""
        customer = self.customer.copy({"name": "Plain customer"})
        customer.dms_grid_id = False
        order = self._order(customer, lines)
        self.assertFalse(order.dms_grid_id or order.dms_distributor_id)
        return order

    def _check_budget(self, lines, extra):
        # warm both paths up, then measure the plain order
        self._plain_order(lines).action_confirm()
        self._order(self.customer, lines, dms_referral_code="AAAA1111").action_confirm()
        plain = self._confirm_queries(self._plain_order(lines))
        attributed = self._order(
            self.customer.copy({"name": "Another customer"}),
            lines,
            dms_referral_code="AAAA1111",
        )
        self.assertEqual(attributed.dms_attribution_source, "code")
        attributed.invalidate_model()
        with self.assertQueryCount(plain + extra):
            attributed.action_confirm()
        self.assertEqual(
            attributed.warehouse_id, self.env.user._get_default_warehouse_id()
        )

    @warmup
    def test_confirm_10_lines(self):
        self._check_budget(10, 6)

    @warmup
    def test_confirm_50_lines(self):
        self._check_budget(50, 8)
