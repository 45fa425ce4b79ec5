from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_stock_alert import DmsStockCommon


@tagged("post_install", "-at_install")
class TestGridAllocation(DmsStockCommon):
    """Scarce p1 in the spare warehouse, East (served by the main warehouse)
    waits for 60 units, South (served by wh2) received 10 in the window and
    waits for 20 more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Allocation = cls.env["dms.allocation"]
        if "loyalty.program" in cls.env:  # sale_loyalty installed
            cls.env["loyalty.program"].search([]).action_archive()
        cls.east_order = cls._order(cls.dist_b, 60)
        cls._set_stock(cls.p1, 10, cls.wh2)
        delivered = cls._order(cls.dist_south, 10)
        picking = delivered.picking_ids
        picking.move_ids.quantity = 10
        picking.move_ids.picked = True
        picking.button_validate()
        cls.south_order = cls._order(cls.dist_south, 20)
        cls._set_stock(cls.p1, 50, cls.wh3)
        cls.grids = cls.grid_east | cls.grid_south

    @classmethod
    def _order(cls, partner, qty):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.p1.id,
                            "product_uom_qty": qty,
                            "price_unit": 10,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def _wizard(self, **values):
        form = Form(self.env["dms.allocation.wizard"])
        form.product_id = self.p1
        form.source_warehouse_id = self.wh3
        form.grid_ids.clear()
        for grid in self.grids:
            form.grid_ids.add(grid)
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def _lines_by_grid(self, lines):
        return {line.dms_grid_id: line for line in lines}

    def test_proposal_explained_and_transfers_match(self):
        form = self._wizard()
        self.assertEqual(form.available_qty, 50.0)
        self.assertEqual(form.allocate_qty, 50.0)
        wizard = form.save()
        lines = self._lines_by_grid(wizard.line_ids)
        east, south = lines[self.grid_east], lines[self.grid_south]
        self.assertEqual((east.delivered_qty, east.open_qty), (0.0, 60.0))
        self.assertEqual((south.delivered_qty, south.open_qty), (10.0, 20.0))
        self.assertAlmostEqual(east.share_percent, 100 * 60 / 90, places=1)
        # 50 x 60/90 = 33.3 and 50 x 30/90 = 16.7: the leftover unit to South
        self.assertEqual((east.proposed_qty, south.proposed_qty), (33.0, 17.0))
        self.assertEqual(east.warehouse_id, self.wh)
        self.assertEqual(south.warehouse_id, self.wh2)
        self.assertIn("66.7 %", east.explanation)
        action = wizard.action_confirm()
        allocation = self.Allocation.browse(action["res_id"])
        self.assertEqual(allocation.state, "done")
        self.assertEqual(allocation.available_qty, 50.0)
        self.assertEqual(allocation.total_qty, 50.0)
        for line in allocation.line_ids:
            picking = line.picking_id
            self.assertEqual(picking.location_id, self.wh3.lot_stock_id)
            self.assertEqual(picking.location_dest_id, line.warehouse_id.lot_stock_id)
            self.assertEqual(picking.move_ids.product_id, self.p1)
            self.assertEqual(picking.move_ids.product_uom_qty, line.quantity)
            self.assertEqual(picking.state, "assigned")
        self.assertEqual(allocation.picking_count, 2)
        self.assertEqual(
            sum(allocation.picking_ids.move_ids.mapped("product_uom_qty")), 50.0
        )
        with self.assertRaisesRegex(UserError, "not a draft"):
            allocation.action_create_transfers()

    def test_manual_changes_are_checked(self):
        form = self._wizard()
        with form.line_ids.edit(0) as line:
            line.quantity = 40  # East 40 + South 17 = 57 > 50
        wizard = form.save()
        with self.assertRaisesRegex(ValidationError, "more than the 50"):
            wizard.action_confirm()
        wizard.line_ids[0].quantity = -1
        with self.assertRaisesRegex(ValidationError, "negative"):
            wizard.action_confirm()
        self.assertFalse(self.Allocation.search([("product_id", "=", self.p1.id)]))
        self.assertFalse(
            self.env["stock.picking"].search(
                [("location_id", "=", self.wh3.lot_stock_id.id)]
            )
        )
        # a lower quantity by hand is fine
        wizard.line_ids[0].quantity = 10
        action = wizard.action_confirm()
        allocation = self.Allocation.browse(action["res_id"])
        self.assertEqual(allocation.total_qty, 27.0)
        self.assertEqual(
            sorted(allocation.picking_ids.move_ids.mapped("product_uom_qty")),
            [10.0, 17.0],
        )

    def test_availability_checked_again_at_transfer(self):
        allocation = self.Allocation._create_proposed(
            self.p1.id, self.wh3.id, self.grids.ids, 30
        )
        self.assertEqual(allocation.state, "draft")
        self.assertEqual(allocation.total_qty, 50.0)
        # 20 units leave the source before the transfers are made
        self._ship(self.p1, 20, self.wh3)
        with self.assertRaisesRegex(ValidationError, "more than the 30"):
            allocation.action_create_transfers()
        self.assertFalse(allocation.picking_ids)
        self.assertEqual(allocation.state, "draft")
        with self.assertRaisesRegex(ValidationError, "more than"):
            allocation.line_ids[0].quantity = 60
        allocation.action_cancel()
        self.assertEqual(allocation.state, "cancel")

    def test_never_more_than_demand_nor_to_the_source(self):
        self._set_stock(self.p1, 450, self.wh3)
        allocation = self.Allocation._create_proposed(
            self.p1.id, self.wh3.id, self.grids.ids, 30, confirm=True
        )
        lines = self._lines_by_grid(allocation.line_ids)
        self.assertEqual(lines[self.grid_east].quantity, 60.0)
        self.assertEqual(lines[self.grid_south].quantity, 30.0)
        self.assertEqual(allocation.allocate_qty, 90.0)
        # a quantity asked for: 45 of the 500
        capped = self.Allocation._create_proposed(
            self.p1.id, self.wh3.id, self.grids.ids, 30, quantity=45
        )
        self.assertEqual(capped.total_qty, 45.0)
        # a grid served by the source warehouse cannot receive
        with self.assertRaisesRegex(ValidationError, "other than the source"):
            self.Allocation._create_proposed(self.p1.id, self.wh.id, self.grids.ids, 30)
        with self.assertRaisesRegex(UserError, "at least one day"):
            self.Allocation._create_proposed(self.p1.id, self.wh3.id, self.grids.ids, 0)

    def test_access(self):
        allocation = self.Allocation._create_proposed(
            self.p1.id, self.wh3.id, self.grids.ids, 30, confirm=True
        )
        east_line = allocation.line_ids.filtered(
            lambda line: line.dms_grid_id == self.grid_east
        )
        south_user = self._grid_user("alloc_south_user", self.grid_south)
        cell_user = self._grid_user("alloc_cell_user", self.grid_zhangjiang)
        east_user = self._grid_user("alloc_east_user", self.grid_east)
        # grid managers see the allocation and only their grids' lines
        self.assertEqual(
            self.Allocation.with_user(east_user).search([("id", "=", allocation.id)]),
            allocation,
        )
        self.assertEqual(
            allocation.with_user(east_user).line_ids, east_line.with_user(east_user)
        )
        self.assertEqual(
            self.Allocation.with_user(cell_user).search([("id", "=", allocation.id)]),
            self.Allocation,
        )
        with self.assertRaises(AccessError):
            east_line.with_user(south_user).read(["quantity"])
        with self.assertRaises(AccessError):
            east_line.with_user(east_user).quantity = 1
        with self.assertRaises(AccessError):
            self.env["dms.allocation.wizard"].with_user(east_user).create(
                {"product_id": self.p1.id, "source_warehouse_id": self.wh3.id}
            )
        employee = new_test_user(self.env, login="alloc_employee")
        with self.assertRaises(AccessError):
            self.Allocation.with_user(employee).search([])
