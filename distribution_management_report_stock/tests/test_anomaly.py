from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.distribution_management_report.tests.common import (
    DmsAnomalyCommon,
)


@tagged("post_install", "-at_install")
class TestAnomalyStock(DmsAnomalyCommon):
    """The suggested stock moves of a grid anomaly."""

    def test_reallocate_stock_for_a_spike(self):
        serving = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.grid_east.warehouse_id = serving
        other = self.env["stock.warehouse"].create(
            {"name": "Anomaly DC", "code": "ANDC", "company_id": self.company.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.cola, other.lot_stock_id, 300
        )
        self._detect()
        spike = self._find(self.grid_zhangjiang, self.cola)
        self.assertEqual(spike.warehouse_id, serving)
        action = spike.action_reallocate_stock()
        self.assertEqual(action["res_model"], "stock.picking")
        picking = self.env["stock.picking"].with_context(**action["context"]).create({})
        self.assertEqual(picking.picking_type_id, other.int_type_id)
        self.assertEqual(picking.location_id, other.lot_stock_id)
        self.assertEqual(picking.location_dest_id, serving.lot_stock_id)
        self.assertEqual(picking.move_ids.product_id, self.cola)
        # the extra demand of the week: 160 - 40.5
        self.assertEqual(picking.move_ids.product_uom_qty, 119.5)
        # a drop moves the stock away from the serving warehouse
        self.env["stock.quant"]._update_available_quantity(
            self.tea, serving.lot_stock_id, 100
        )
        drop = self._find(self.grid_zhangjiang, self.tea, "drop")
        action = drop.action_reallocate_stock()
        picking = self.env["stock.picking"].with_context(**action["context"]).create({})
        self.assertEqual(picking.location_id, serving.lot_stock_id)
        # to the warehouse with the least tea (none has any: the first of them)
        destination = picking.location_dest_id.warehouse_id
        self.assertTrue(destination)
        self.assertNotEqual(destination, serving)
        self.assertEqual(picking.location_dest_id, destination.lot_stock_id)
        self.assertEqual(picking.move_ids.product_uom_qty, 30.5)

    def test_reallocate_without_stock_elsewhere(self):
        self._detect()
        spike = self._find(self.grid_tianhe, self.cola)
        # no serving warehouse on the grid nor on its region
        with self.assertRaises(UserError):
            spike.action_reallocate_stock()
        # no other warehouse holds cola
        self.grid_south.warehouse_id = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        with self.assertRaises(UserError):
            spike.action_reallocate_stock()
        # per category, there is no product to move
        self.company.dms_anomaly_level = "category"
        drinks = self._detect(self.grid_tianhe)
        self.assertEqual(drinks.categ_id, self.categ_drinks)
        with self.assertRaises(UserError):
            drinks.action_reallocate_stock()
