"""Grid managers over Odoo's transfers and stock moves: the access matrix,
the refused moves and the delivery inside their own grids."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.distribution_management.tests import test_grid_scoping
from odoo.addons.distribution_management.tests.test_grid_scoping import GRID_USER

STOCK_MODELS = ("stock.picking", "stock.move", "stock.move.line")


class StockGridScopingCommon(test_grid_scoping.GridScopingCommon):
    BILLER_GROUPS = (
        f"{GRID_USER},account.group_account_invoice,stock.group_stock_user,"
        "base.group_allow_export"
    )

    @classmethod
    def _validate(cls, pickings):
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.button_validate()

    @classmethod
    def _deliver(cls, order):
        cls._validate(order.picking_ids)

    def _south_records(self):
        records = super()._south_records()
        records.update(
            {
                "stock.picking": (
                    self.south_order.picking_ids,
                    self.east_order.picking_ids,
                ),
                "stock.move": (
                    self.south_order.picking_ids.move_ids,
                    self.east_order.picking_ids.move_ids,
                ),
                "stock.move.line": (
                    self.south_order.picking_ids.move_line_ids,
                    self.east_order.picking_ids.move_line_ids,
                ),
            }
        )
        return records


@tagged("post_install", "-at_install")
class TestGridScoping(StockGridScopingCommon):
    def test_matrix_grid_user(self):
        self._assert_matrix(self.east_user, STOCK_MODELS)

    def test_matrix_grid_user_with_invoicing_and_inventory(self):
        self._assert_matrix(self.east_biller, STOCK_MODELS)

    def test_create_transfer_for_other_grid_customer_refused(self):
        with self.assertRaises(AccessError):
            self.env["stock.picking"].with_user(self.east_biller).create(
                {
                    "partner_id": self.south_customer.id,
                    "picking_type_id": self.warehouse.out_type_id.id,
                }
            )

    def test_move_into_other_grid_refused(self):
        cases = [
            (
                self.east_order.picking_ids.with_user(self.east_biller),
                {"partner_id": self.south_customer.id},
            ),
            # the stored grid itself
            (
                self.east_order.picking_ids.with_user(self.east_biller),
                {"dms_grid_id": self.grid_south.id},
            ),
        ]
        for record, vals in cases:
            with self.subTest(model=record._name, vals=vals):
                with self.assertRaises(AccessError):
                    with self.env.cr.savepoint():
                        record.write(vals)
        self.assertEqual(self.east_order.picking_ids.dms_grid_id, self.grid_pudong)

    def test_odoo_flow_as_grid_manager(self):
        """Quotation -> order -> delivery, by a grid manager who also ships,
        inside their grid."""
        user = self.east_biller
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.juice.id, "product_uom_qty": 3}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.dms_grid_id, self.grid_pudong)
        self._validate(picking)
        self.assertEqual(picking.state, "done")

    def test_odoo_flow_as_plain_grid_user(self):
        """With only Distribution / User: the transfer of the order is read."""
        user = self.east_user
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.juice.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        self.assertTrue(order.picking_ids.read(["name"]))
        # the warehouse ships
        self._validate(order.picking_ids.sudo())
        self.assertEqual(order.with_user(user).picking_ids.state, "done")

    def test_administrator_sees_everything(self):
        manager = self._grid_user(
            "channel_scope",
            self.env["dms.grid"],
            "distribution_management.group_dms_manager",
        )
        for model, (south, east) in self._south_records().items():
            if model not in STOCK_MODELS:
                continue
            Model = self.env[model].with_user(manager)
            if not Model.has_access("read"):
                continue
            with self.subTest(model=model):
                self.assertEqual(
                    Model.search([("id", "in", (south | east).ids)]),
                    (south | east).with_user(manager),
                )


@tagged("post_install", "-at_install", "dms_demo")
class TestGridScopingDemo(test_grid_scoping.TestGridScopingDemo):
    """The demo's East China grid manager against the South China transfers
    and moves (tag dms_demo: left out of a run without demo data)."""

    allow_inherited_tests_method = True
    SCOPED_MODELS = (
        ("stock.picking", "dms_grid_id"),
        ("stock.move", "picking_id.dms_grid_id"),
    )
