from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.distribution_management.tests.common import DmsCommon
from odoo.addons.distribution_management_stock.models.dms_stock_alert import (
    DmsStockAlert,
)
from odoo.addons.distribution_management_stock.models.stock_move import StockMove


def spy_evaluations():
    """(patcher, calls): every ``_evaluate_pairs`` call as (pairs, result)."""
    calls = []
    original = DmsStockAlert._evaluate_pairs

    def evaluate(self, pairs):
        result = original(self, pairs)
        calls.append((set(pairs), result))
        return result

    return patch.object(DmsStockAlert, "_evaluate_pairs", evaluate), calls


class DmsStockCommon(DmsCommon):
    """Three warehouses (the main one serves East, the second South), a
    product category and storable products, no demo rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dms.stock.alert.rule"].search([]).action_archive()
        cls.Rule = cls.env["dms.stock.alert.rule"]
        cls.Alert = cls.env["dms.stock.alert"]
        cls.wh = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.wh2, cls.wh3 = cls.env["stock.warehouse"].create(
            [
                {"name": "Test South WH", "code": "TSWH"},
                {"name": "Test Spare WH", "code": "TXWH"},
            ]
        )
        cls.grid_east.warehouse_id = cls.wh
        cls.grid_south.warehouse_id = cls.wh2
        cls.categ = cls.env["product.category"].create({"name": "Test Drinks"})
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.p1, cls.p2 = cls.env["product.product"].create(
            [
                {
                    "name": f"Test Drink {index}",
                    "default_code": f"TD-{index}",
                    "barcode": f"69000000{index}",
                    "is_storable": True,
                    "sale_ok": True,
                    "list_price": 10.0,
                    "categ_id": cls.categ.id,
                    "taxes_id": [Command.clear()],
                }
                for index in (1, 2)
            ]
        )
        cls.supplier_loc = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_loc = cls.env.ref("stock.stock_location_customers")
        cls.stock_user = new_test_user(
            cls.env,
            login="alert_stock_manager",
            groups="stock.group_stock_manager,distribution_management.group_dms_user",
        )

    @classmethod
    def _move(cls, product, qty, source, destination, partner=None, days_ago=0):
        """A done move of ``qty`` (through Odoo's ``_action_done``), in a
        transfer of ``partner`` when given."""
        picking = cls.env["stock.picking"]
        if partner:
            picking = picking.create(
                {
                    "picking_type_id": (
                        cls.wh.out_type_id
                        if destination.usage == "customer"
                        else cls.wh.in_type_id
                    ).id,
                    "partner_id": partner.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                }
            )
        move = cls.env["stock.move"].create(
            {
                "name": product.name,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": qty,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "partner_id": partner.id if partner else False,
                "picking_id": picking.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = qty
        move.picked = True
        move._action_done()
        if days_ago:
            date = fields.Datetime.now() - timedelta(days=days_ago)
            move.write({"date": date})
            move.move_line_ids.write({"date": date})
        return move

    @classmethod
    def _receive(cls, product, qty, warehouse, **kwargs):
        return cls._move(
            product, qty, cls.supplier_loc, warehouse.lot_stock_id, **kwargs
        )

    @classmethod
    def _ship(cls, product, qty, warehouse, **kwargs):
        return cls._move(
            product, qty, warehouse.lot_stock_id, cls.customer_loc, **kwargs
        )

    @classmethod
    def _set_stock(cls, product, qty, warehouse):
        """Put ``qty`` in stock without a move (the alert hook does not run)."""
        cls.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, qty
        )

    def _open(self, product=None, warehouse=None):
        domain = [("state", "=", "open")]
        if product:
            domain.append(("product_id", "=", product.id))
        if warehouse:
            domain.append(("warehouse_id", "=", warehouse.id))
        return self.Alert.search(domain)

    def _qty_rule(self, product=None, warehouse=None, min_qty=10, target=30, **vals):
        values = {
            "name": "Min qty",
            "product_id": (product or self.p1).id,
            "warehouse_id": (warehouse or self.wh).id,
            "threshold_type": "quantity",
            "min_qty": min_qty,
            "target_qty": target,
            "user_id": self.stock_user.id,
        }
        values.update(vals)
        return self.Rule.create(values)


@tagged("post_install", "-at_install")
class TestStockAlert(DmsStockCommon):
    def test_quantity_rule_opens_once_and_closes_on_restock(self):
        rule = self._qty_rule()
        self._receive(self.p1, 20, self.wh)
        self.assertFalse(self._open(self.p1))
        self._ship(self.p1, 15, self.wh)  # 5 left < 10
        alert = self._open(self.p1)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.rule_id, rule)
        self.assertEqual(alert.warehouse_id, self.wh)
        self.assertEqual(
            (alert.open_qty_on_hand, alert.open_threshold_qty), (5.0, 10.0)
        )
        self.assertEqual(alert.activity_ids.user_id, self.stock_user)
        self.assertIn("Alert opened", alert.message_ids[0].body)
        # still short: the same alert stays open, no duplicate
        self._ship(self.p1, 2, self.wh)
        self.assertEqual(self._open(self.p1), alert)
        self.assertEqual(alert.qty_on_hand, 3.0)
        self.assertEqual(alert.threshold_qty, 10.0)
        self.assertEqual(alert.suggested_qty, 27.0)  # target 30 - 3
        self.assertIn("30", alert.suggestion_note)
        # the database refuses a second open alert for the same key
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.Alert.create(
                {
                    "rule_id": rule.id,
                    "product_id": self.p1.id,
                    "warehouse_id": self.wh.id,
                    "company_id": self.company.id,
                }
            )
        # back above the threshold: closed by itself, activity done
        self._receive(self.p1, 7, self.wh)  # 10: not below
        self.assertEqual(alert.state, "closed")
        self.assertEqual(alert.close_reason, "restocked")
        self.assertTrue(alert.date_closed)
        self.assertFalse(alert.activity_ids)
        with self.assertRaisesRegex(UserError, "closed"):
            alert.action_apply_orderpoint()
        # short again: a new alert, the old one is history
        self._ship(self.p1, 1, self.wh)
        new = self._open(self.p1)
        self.assertEqual(len(new), 1)
        self.assertNotEqual(new, alert)
        self.assertEqual(self.Alert.search_count([("rule_id", "=", rule.id)]), 2)

    def test_days_of_cover_math(self):
        rule = self.Rule.create(
            {
                "name": "Cover",
                "categ_id": self.categ.id,
                "grid_id": self.grid_shanghai.id,  # served by its parent: wh
                "threshold_type": "cover",
                "min_cover_days": 10,
                "target_cover_days": 20,
                "velocity_days": 10,
            }
        )
        self.assertEqual(rule.effective_warehouse_id, self.wh)
        self._receive(self.p1, 200, self.wh)
        # shipped 20 days ago: outside the 10-day window
        self._ship(self.p1, 100, self.wh, days_ago=20)
        # an internal move inside the warehouse is not outgoing
        shelf = self.env["stock.location"].create(
            {"name": "Shelf", "location_id": self.wh.lot_stock_id.id}
        )
        self._move(self.p1, 5, self.wh.lot_stock_id, shelf)
        self._ship(self.p1, 50, self.wh)
        # 50 on hand, 50 out in 10 days: 5 a day, exactly 10 days of cover
        self.assertFalse(self._open(self.p1))
        self._ship(self.p1, 1, self.wh)
        alert = self._open(self.p1)
        self.assertEqual(len(alert), 1)
        self.assertAlmostEqual(alert.qty_on_hand, 49.0)
        self.assertAlmostEqual(alert.daily_demand, 5.1)
        self.assertAlmostEqual(alert.cover_days, 49 / 5.1, places=1)
        self.assertAlmostEqual(alert.threshold_qty, 51.0)
        self.assertAlmostEqual(alert.open_daily_demand, 5.1)
        # 20 days x 5.1 - 49 = 53
        self.assertEqual(alert.suggested_qty, 53.0)
        # nothing went out of wh2: no demand, no alert however low
        self._receive(self.p2, 1, self.wh)
        self.assertFalse(self._open(self.p2))

    def test_most_specific_rule_applies(self):
        category_rule = self.Rule.create(
            {
                "name": "Category",
                "categ_id": self.categ.id,
                "warehouse_id": self.wh.id,
                "threshold_type": "quantity",
                "min_qty": 100,
                "target_qty": 100,
            }
        )
        product_rule = self._qty_rule(min_qty=5, target=10)
        self._receive(self.p1, 8, self.wh)
        self._receive(self.p2, 8, self.wh)
        # p1 follows its own rule (8 >= 5), p2 the category's (8 < 100)
        self.assertFalse(self._open(self.p1))
        self.assertEqual(self._open(self.p2).rule_id, category_rule)
        self._ship(self.p1, 4, self.wh)
        alert = self._open(self.p1)
        self.assertEqual(alert.rule_id, product_rule)
        # the product rule archived: its alert closes, the category rule's opens
        product_rule.action_archive()
        outcome = self.Alert._evaluate_pairs({(self.p1.id, self.wh.id)})
        self.assertEqual(alert.state, "closed")
        self.assertEqual(alert.close_reason, "rule")
        self.assertEqual(outcome["opened"].rule_id, category_rule)

    def test_incremental_and_full_scan_agree(self):
        for warehouse in (self.wh, self.wh2):
            self.Rule.create(
                {
                    "name": "Category",
                    "categ_id": self.categ.id,
                    "warehouse_id": warehouse.id,
                    "threshold_type": "quantity",
                    "min_qty": 10,
                    "target_qty": 20,
                }
            )

        def snapshot():
            return {
                (a.rule_id.id, a.product_id.id, a.warehouse_id.id)
                for a in self._open()
                if a.product_id in (self.p1 | self.p2)
            }

        # incremental: every move evaluated at once; the scan finds nothing to do
        self._receive(self.p1, 5, self.wh)
        self._receive(self.p2, 50, self.wh)
        self._receive(self.p1, 50, self.wh2)
        self._receive(self.p2, 50, self.wh2)
        self._ship(self.p1, 45, self.wh2)
        incremental = snapshot()
        self.assertEqual(len(incremental), 2)  # p1 in wh and in wh2
        outcome = self.Alert._cron_full_scan(batch_size=1)
        changed = outcome["opened"] | outcome["closed"]
        # the demo alerts of the archived demo rules close, ours do not change
        self.assertFalse(changed.filtered(lambda a: a.product_id in self.p1 | self.p2))
        self.assertEqual(snapshot(), incremental)
        # without the hook, the scan catches up with what the moves did
        with patch.object(StockMove, "_dms_evaluate_stock_alerts", lambda self: None):
            self._receive(self.p1, 30, self.wh)  # p1 in wh back to 35
            self._ship(self.p2, 45, self.wh)  # p2 in wh down to 5
        self.assertEqual(snapshot(), incremental)
        outcome = self.Alert._cron_full_scan(batch_size=1)
        self.assertEqual(
            {(a.product_id, a.warehouse_id) for a in outcome["opened"]},
            {(self.p2, self.wh)},
        )
        self.assertEqual(
            {(a.product_id, a.warehouse_id) for a in outcome["closed"]},
            {(self.p1, self.wh)},
        )
        self.assertEqual(
            {(p, w) for _r, p, w in snapshot()},
            {(self.p1.id, self.wh2.id), (self.p2.id, self.wh.id)},
        )

    def test_orderpoint_created_then_updated(self):
        rule = self._qty_rule()
        self._receive(self.p1, 4, self.wh)
        alert = self._open(self.p1)
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        domain = [("product_id", "=", self.p1.id), ("warehouse_id", "=", self.wh.id)]
        self.assertFalse(Orderpoint.search(domain))
        alert.with_user(self.stock_user).action_apply_orderpoint()
        orderpoint = Orderpoint.search(domain)
        self.assertEqual(len(orderpoint), 1)
        self.assertEqual(alert.orderpoint_id, orderpoint)
        self.assertEqual(
            (orderpoint.product_min_qty, orderpoint.product_max_qty), (10.0, 30.0)
        )
        self.assertEqual(orderpoint.location_id, self.wh.lot_stock_id)
        rule.target_qty = 50
        alert.with_user(self.stock_user).action_apply_orderpoint()
        self.assertEqual(Orderpoint.search(domain), orderpoint)
        self.assertEqual(orderpoint.product_max_qty, 50.0)
        # a grid manager without inventory rights cannot change replenishment
        grid_user = self._grid_user("alert_grid_only", self.grid_east)
        with self.assertRaises(AccessError):
            alert.with_user(grid_user).action_apply_orderpoint()

    def test_transfer_from_warehouse_with_largest_surplus(self):
        self._qty_rule(min_qty=10, target=30, target_cover_days=10)
        self._receive(self.p1, 2, self.wh)
        alert = self._open(self.p1)
        self.assertEqual(alert.suggested_qty, 28.0)
        with self.assertRaisesRegex(UserError, "No other warehouse"):
            alert.action_create_transfer()
        # wh2: 100 on hand but 9 a day out over 30 days -> keeps 90, surplus 10
        self._receive(self.p1, 370, self.wh2)
        self._ship(self.p1, 270, self.wh2)
        # wh3: 25 on hand, nothing out -> surplus 25: the best source
        self._set_stock(self.p1, 25, self.wh3)
        source, quantity, explanation = alert._transfer_source()
        self.assertEqual(source, self.wh3)
        self.assertEqual(quantity, 25.0)
        self.assertIn(self.wh3.name, explanation)
        alert.with_user(self.stock_user).action_create_transfer()
        picking = alert.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id, self.wh3.int_type_id)
        self.assertEqual(picking.location_id, self.wh3.lot_stock_id)
        self.assertEqual(picking.location_dest_id, self.wh.lot_stock_id)
        self.assertEqual(picking.move_ids.product_uom_qty, 25.0)
        self.assertEqual(picking.state, "assigned")
        self.assertIn("Transfer", alert.message_ids[0].body)

    def test_rule_validation(self):
        base = {
            "name": "Bad",
            "threshold_type": "quantity",
            "min_qty": 5,
            "target_qty": 10,
        }
        cases = [
            ({"warehouse_id": self.wh.id}, "either a product"),
            (
                {
                    "product_id": self.p1.id,
                    "categ_id": self.categ.id,
                    "warehouse_id": self.wh.id,
                },
                "either a product",
            ),
            ({"product_id": self.p1.id}, "either a warehouse"),
            (
                {"product_id": self.p1.id, "grid_id": self.grid_tianhe.id},
                None,  # South has wh2: fine
            ),
            (
                {"product_id": self.p1.id, "warehouse_id": self.wh.id, "min_qty": 0},
                "must be positive",
            ),
            (
                {"product_id": self.p1.id, "warehouse_id": self.wh.id, "target_qty": 1},
                "target quantity",
            ),
            (
                {
                    "product_id": self.p1.id,
                    "warehouse_id": self.wh.id,
                    "velocity_days": 0,
                },
                "velocity window",
            ),
        ]
        for vals, message in cases:
            if message is None:
                self.Rule.create(dict(base, **vals))
                continue
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.Rule.create(dict(base, **vals))
        self.grid_south.warehouse_id = False
        with self.assertRaisesRegex(ValidationError, "no serving warehouse"):
            self.Rule.create(
                dict(base, product_id=self.p1.id, grid_id=self.grid_tianhe.id)
            )

    def test_access(self):
        self._qty_rule(warehouse=self.wh)
        self._qty_rule(warehouse=self.wh2)
        self._receive(self.p1, 1, self.wh)
        self._receive(self.p1, 1, self.wh2)
        east_alert = self._open(self.p1, self.wh)
        south_alert = self._open(self.p1, self.wh2)
        self.assertTrue(east_alert and south_alert)
        # a manager of a Shanghai cell sees the alerts of the warehouse that
        # serves it (the main one, through East), not South's
        cell_user = self._grid_user("alert_cell_user", self.grid_zhangjiang)
        visible = self.Alert.with_user(cell_user).search(
            [("product_id", "=", self.p1.id)]
        )
        self.assertEqual(visible, east_alert)
        with self.assertRaises(AccessError):
            south_alert.with_user(cell_user).read(["state"])
        with self.assertRaises(AccessError):
            self.Rule.with_user(cell_user).create(
                {
                    "name": "Mine",
                    "product_id": self.p1.id,
                    "warehouse_id": self.wh.id,
                    "min_qty": 1,
                    "target_qty": 1,
                    "threshold_type": "quantity",
                }
            )
        with self.assertRaises(AccessError):
            east_alert.with_user(cell_user).unlink()
        # the lowest privileges: an employee without the Distribution groups
        employee = new_test_user(self.env, login="alert_employee")
        with self.assertRaises(AccessError):
            self.Alert.with_user(employee).search([])
        with self.assertRaises(AccessError):
            self.Rule.with_user(employee).search([])

    def test_hook_adds_at_most_five_queries(self):
        """The alert hook of ``_action_done`` runs a constant number of
        queries for 1 and 50 moves, measured right after Odoo's own
        validation (its cache as ``_action_done`` leaves it)."""
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Budget {index}",
                    "is_storable": True,
                    "categ_id": self.categ.id,
                }
                for index in range(50)
            ]
        )
        self.Rule.create(
            {
                "name": "Category cover",
                "categ_id": self.categ.id,
                "warehouse_id": self.wh.id,
                "threshold_type": "cover",
                "min_cover_days": 5,
            }
        )
        receipt_type = self.wh.in_type_id
        counts = {}
        for count in (1, 50):
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": receipt_type.id,
                    "location_id": self.supplier_loc.id,
                    "location_dest_id": self.wh.lot_stock_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom": product.uom_id.id,
                                "product_uom_qty": 10,
                                "location_id": self.supplier_loc.id,
                                "location_dest_id": self.wh.lot_stock_id.id,
                            }
                        )
                        for product in products[:count]
                    ],
                }
            )
            picking.action_confirm()
            with patch.object(
                StockMove, "_dms_evaluate_stock_alerts", lambda self: None
            ):
                picking.button_validate()
            self.assertEqual(picking.state, "done")
            self.env.flush_all()
            patcher, calls = spy_evaluations()
            with patcher:
                start = self.cr.sql_log_count
                with self.assertQueryCount(5):
                    picking.move_ids._dms_evaluate_stock_alerts()
                counts[count] = self.cr.sql_log_count - start
            pairs, result = calls[0]
            self.assertEqual(len(pairs), count)
            self.assertEqual(len(result["evaluated"]), count)
            self.assertFalse(result["opened"] | result["closed"])
        self.assertLessEqual(counts[50], counts[1], counts)

    def test_one_move_evaluates_one_pair_among_twenty_warehouses(self):
        warehouses = self.env["stock.warehouse"].create(
            [
                {"name": f"Budget WH {index}", "code": f"BW{index:02d}"}
                for index in range(20)
            ]
        )
        self.Rule.create(
            [
                {
                    "name": f"Rule {warehouse.code}",
                    "categ_id": self.categ.id,
                    "warehouse_id": warehouse.id,
                    "threshold_type": "quantity",
                    "min_qty": 5,
                    "target_qty": 10,
                }
                for warehouse in warehouses
            ]
        )
        target = warehouses[7]
        patcher, calls = spy_evaluations()
        with patcher:
            self._receive(self.p1, 2, target)
        self.assertEqual(len(calls), 1)
        pairs, result = calls[0]
        self.assertEqual(pairs, {(self.p1.id, target.id)})
        self.assertEqual(result["evaluated"], {(self.p1.id, target.id)})
        self.assertEqual(len(result["opened"]), 1)
        alerts = self._open(self.p1)
        self.assertEqual(alerts.warehouse_id, target)
        self.assertEqual(len(alerts), 1)
