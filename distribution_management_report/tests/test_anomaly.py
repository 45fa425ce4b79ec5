import json
from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import warmup

from ..models.dms_anomaly import last_complete_week, median_mad, score_week
from .common import STEADY, DmsAnomalyCommon


@tagged("post_install", "-at_install")
class TestAnomaly(DmsAnomalyCommon):
    """The detection on the weekly series of ``DmsAnomalyCommon``."""

    # ------------------------------------------------------------------
    # The math on crafted series
    # ------------------------------------------------------------------
    def test_median_mad(self):
        self.assertEqual(median_mad(STEADY), (40.5, 1.5))
        self.assertEqual(median_mad([3, 1, 2]), (2, 1))
        self.assertEqual(median_mad([5, 5, 5, 5]), (5, 0))

    def test_spike_is_flagged_with_its_figures(self):
        result = score_week(160, STEADY, 3.5, 50, 10)
        self.assertEqual(result["kind"], "spike")
        self.assertEqual(result["method"], "robust_z")
        self.assertEqual(result["median"], 40.5)
        self.assertEqual(result["mad"], 1.5)
        self.assertAlmostEqual(result["score"], 0.6745 * 119.5 / 1.5, places=6)
        self.assertAlmostEqual(result["change"], 119.5 / 40.5 * 100, places=6)

    def test_ordinary_noise_is_not_flagged(self):
        # z = ±0.6745 × 4.5 / 1.5 = ±2.02: inside the threshold
        self.assertIsNone(score_week(45, STEADY, 3.5, 50, 10))
        self.assertIsNone(score_week(36, STEADY, 3.5, 50, 10))
        self.assertIsNone(score_week(40.5, STEADY, 3.5, 50, 10))
        # lower thresholds catch it
        self.assertIsNone(score_week(45, STEADY, 2, 50, 10))  # +11 %
        self.assertEqual(score_week(45, STEADY, 2, 10, 10)["kind"], "spike")
        # very regular weeks: a high z-score for a move of a few percent
        regular = [100, 100.5, 99.5, 100, 100.2, 99.8, 100, 100.1]
        self.assertAlmostEqual(median_mad(regular)[1], 0.15)  # z(104) = 18
        self.assertIsNone(score_week(104, regular, 3.5, 50, 10))
        self.assertIsNone(score_week(96, regular, 3.5, 50, 10))
        self.assertEqual(score_week(104, regular, 3.5, 3, 10)["kind"], "spike")

    def test_drop_is_flagged(self):
        result = score_week(10, STEADY, 3.5, 50, 10)
        self.assertEqual(result["kind"], "drop")
        self.assertAlmostEqual(result["score"], 0.6745 * -30.5 / 1.5, places=6)
        # nothing sold at all in the week
        self.assertEqual(score_week(0, STEADY, 3.5, 50, 10)["kind"], "drop")

    def test_low_volume_is_ignored(self):
        small = [1, 2, 1, 1, 2, 1, 1, 2]
        self.assertIsNone(score_week(8, small, 3.5, 50, 10))
        # without a minimum volume, the same series is a spike
        self.assertEqual(score_week(8, small, 3.5, 50, 0)["kind"], "spike")
        # a week above the minimum counts even if the median is below
        self.assertEqual(score_week(12, small, 3.5, 50, 10)["kind"], "spike")

    def test_mad_zero_uses_the_change(self):
        steady = [50] * 8
        result = score_week(80, steady, 3.5, 50, 10)
        self.assertEqual(
            (result["kind"], result["method"], result["mad"], result["score"]),
            ("spike", "change", 0, 0.0),
        )
        self.assertAlmostEqual(result["change"], 60.0)
        self.assertIsNone(score_week(70, steady, 3.5, 50, 10))  # +40 %
        self.assertIsNone(score_week(30, steady, 3.5, 50, 10))  # -40 %
        drop = score_week(20, steady, 3.5, 50, 10)
        self.assertEqual((drop["kind"], drop["method"]), ("drop", "change"))
        self.assertAlmostEqual(drop["change"], -60.0)
        # more than half the baseline weeks without sales: median and MAD are 0
        sparse = [0, 0, 0, 0, 0, 30, 0, 40]
        new = score_week(30, sparse, 3.5, 50, 10)
        self.assertEqual((new["kind"], new["method"]), ("spike", "new"))
        self.assertIsNone(score_week(0, sparse, 3.5, 50, 10))
        self.assertIsNone(score_week(5, sparse, 3.5, 50, 10))

    def test_last_complete_week(self):
        wednesday = fields.Date.to_date("2025-06-11")
        self.assertEqual(
            last_complete_week(wednesday), fields.Date.to_date("2025-06-02")
        )
        monday = fields.Date.to_date("2025-06-09")
        self.assertEqual(last_complete_week(monday), fields.Date.to_date("2025-06-02"))

    # ------------------------------------------------------------------
    # Detection on orders
    # ------------------------------------------------------------------
    def test_detection_on_orders(self):
        self.assertEqual(set(self.orders.mapped("dms_grid_id")), set(self.grids))
        anomalies = self._detect()
        keys = {(a.dms_grid_id, a.product_id, a.kind) for a in anomalies}
        self.assertEqual(
            keys,
            {
                (self.grid_zhangjiang, self.cola, "spike"),
                (self.grid_zhangjiang, self.tea, "drop"),
                (self.grid_tianhe, self.cola, "spike"),
            },
        )
        spike = self._find(self.grid_zhangjiang, self.cola)
        self.assertRecordValues(
            spike,
            [
                {
                    "state": "open",
                    "level": "product",
                    "measure": "qty",
                    "week_qty": 160,
                    "week_amount": 1600,
                    "week_value": 160,
                    "baseline_median": 40.5,
                    "baseline_mad": 1.5,
                    "baseline_weeks": 8,
                    "method": "robust_z",
                    "threshold": 3.5,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertAlmostEqual(spike.score, 53.74, places=2)
        self.assertEqual(json.loads(spike.series), [*STEADY, 160])
        self.assertIn("<svg", spike.chart)
        self.assertEqual(spike.chart.count("<rect"), 9)
        self.assertTrue(spike.suggestion)
        drop = self._find(self.grid_zhangjiang, self.tea, "drop")
        self.assertAlmostEqual(drop.score, 0.6745 * -30.5 / 1.5, places=2)

    def test_amount_and_category(self):
        self.company.write(
            {"dms_anomaly_level": "category", "dms_anomaly_measure": "amount"}
        )
        anomalies = self._detect(self.grid_zhangjiang)
        drinks = anomalies.filtered(lambda a: a.categ_id == self.categ_drinks)
        self.assertEqual(len(drinks), 1)
        self.assertFalse(drinks.product_id)
        self.assertEqual((drinks.kind, drinks.week_value), ("spike", 1600))
        self.assertEqual(drinks.baseline_median, 405)

    def test_rollup_to_parent_grids(self):
        self.assertFalse(self._detect(self.grid_east))
        self.company.dms_anomaly_rollup = True
        anomalies = self._detect(self.grid_east | self.grid_pudong)
        self.assertEqual(
            {(a.dms_grid_id, a.product_id, a.kind) for a in anomalies},
            {
                (self.grid_east, self.cola, "spike"),
                (self.grid_east, self.tea, "drop"),
                (self.grid_pudong, self.cola, "spike"),
                (self.grid_pudong, self.tea, "drop"),
            },
        )
        self.assertTrue(all(anomalies.mapped("include_subgrids")))

    def test_same_week_last_year(self):
        last_year = self.env["sale.order"].create(
            {
                "partner_id": self.customer_zj.id,
                "order_line": [
                    Command.create({"product_id": self.cola.id, "product_uom_qty": 150})
                ],
            }
        )
        last_year.action_confirm()
        last_year.date_order = datetime.combine(
            self.week - timedelta(weeks=52, days=-3), time(3, 0)
        )
        self.company.dms_anomaly_last_year = True
        spike = self._detect(self.grid_zhangjiang).filtered(
            lambda a: a.product_id == self.cola
        )
        self.assertEqual(spike.last_year_value, 150)
        self.assertTrue(spike.has_last_year)
        # the old order is outside the baseline
        self.assertEqual(spike.baseline_median, 40.5)

    def test_dismissal_sticks_and_no_duplicates(self):
        first = self._detect()
        self.assertEqual(len(first), 3)
        spike = self._find(self.grid_zhangjiang, self.cola)
        action = spike.action_dismiss()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": "Trade fair order, planned."})
        )
        wizard.action_confirm()
        self.assertEqual(spike.state, "dismissed")
        self.assertEqual(spike.dismiss_reason, "Trade fair order, planned.")
        # re-running the detection creates nothing, and keeps it dismissed
        self.assertFalse(self._detect())
        self.assertFalse(self._detect())
        self.assertEqual(spike.state, "dismissed")
        self.assertEqual(
            self.Anomaly.search_count([("dms_grid_id", "in", self.grids.ids)]), 3
        )
        self.assertEqual(len(self._find(self.grid_zhangjiang, self.cola)), 1)

    def test_dismiss_needs_a_reason(self):
        self._detect()
        spike = self._find(self.grid_zhangjiang, self.cola)
        for reason in (False, "", "   "):
            with self.assertRaises(UserError):
                spike._dismiss(reason)
        self.assertEqual(spike.state, "open")
        self.assertFalse(spike.dismiss_reason)
        spike.action_done()
        self.assertEqual(spike.state, "done")
        with self.assertRaises(UserError):
            spike._dismiss("Too late")
        with self.assertRaises(UserError):
            spike.action_dismiss()
        spike.action_reopen()
        self.assertEqual(spike.state, "open")

    def test_activity_for_grid_managers(self):
        anomalies = self._detect()
        for anomaly in anomalies:
            expected = (
                self.user_south
                if anomaly.dms_grid_id == self.grid_tianhe
                else self.user_east  # Zhangjiang has none: its region's
            )
            self.assertEqual(anomaly.activity_ids.user_id, expected)
            self.assertEqual(
                anomaly.activity_ids.activity_type_id,
                self.env.ref("mail.mail_activity_data_todo"),
            )
        spike = self._find(self.grid_zhangjiang, self.cola)
        spike.action_done()
        self.assertFalse(spike.activity_ids)

    def test_cron_in_batches(self):
        Grid = self.env["dms.grid"]
        grids = Grid.search([])
        key = "distribution_management.anomaly_scan"
        self.env["ir.config_parameter"].sudo().set_param(key, False)
        progress = self.env["ir.cron.progress"].create(
            {
                "cron_id": self.env.ref(
                    "distribution_management_report.ir_cron_dms_detect_anomalies"
                ).id,
                "remaining": 0,
                "done": 0,
            }
        )
        Anomaly = self.Anomaly.with_context(ir_cron_progress_id=progress.id)
        calls = 0
        while True:
            Anomaly._cron_detect(batch_size=3)
            calls += 1
            if not progress.remaining:
                break
            self.assertLess(calls, 10)
        self.assertEqual(calls, -(-len(grids) // 3))
        week = last_complete_week(self.company._dms_today())
        self.assertEqual(
            self.Anomaly.search_count(
                [("dms_grid_id", "in", self.grids.ids), ("week_start", "=", week)]
            ),
            3 if week == self.week else 0,
        )
        # the scan of the day is over: the next call has nothing left
        Anomaly._cron_detect(batch_size=3)
        self.assertEqual((progress.done, progress.remaining), (0, 0))

    def test_settings_are_checked(self):
        for vals in (
            {"dms_anomaly_weeks": 2},
            {"dms_anomaly_weeks": 53},
            {"dms_anomaly_threshold": 0},
            {"dms_anomaly_change_threshold": -5},
            {"dms_anomaly_min_volume": -1},
        ):
            with self.assertRaises(ValidationError):
                self.company.write(vals)
        self.assertEqual(self.company.dms_anomaly_weeks, 8)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_grid_users_see_their_grids_only(self):
        anomalies = self._detect()
        south = anomalies.filtered(lambda a: a.dms_grid_id == self.grid_tianhe)
        east = anomalies - south
        Anomaly = self.Anomaly.with_user(self.user_south)
        self.assertEqual(Anomaly.search([("id", "in", anomalies.ids)]), south)
        with self.assertRaises(AccessError):
            east.with_user(self.user_south).read(["kind"])
        with self.assertRaises(AccessError):
            east.with_user(self.user_south).write({"state": "done"})
        # a grid user cannot create anomalies, nor dismiss another grid's
        with self.assertRaises(AccessError):
            Anomaly.create(
                {
                    "dms_grid_id": self.grid_tianhe.id,
                    "product_id": self.cola.id,
                    "week_start": self.week,
                    "kind": "spike",
                }
            )
        with self.assertRaises(AccessError):
            east[0].with_user(self.user_south)._dismiss("Not mine")
        self.assertEqual(set(east.mapped("state")), {"open"})
        # their own anomaly, they can dismiss
        south.with_user(self.user_south)._dismiss("Known")
        self.assertEqual(south.state, "dismissed")
        # the channel manager sees every grid
        manager = self._grid_user(
            "anomaly_manager",
            self.env["dms.grid"],
            groups="distribution_management.group_dms_manager",
        )
        self.assertEqual(
            self.Anomaly.with_user(manager).search([("id", "in", anomalies.ids)]),
            anomalies,
        )

    def test_plain_user_has_no_access(self):
        anomalies = self._detect()
        employee = new_test_user(
            self.env, login="anomaly_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.Anomaly.with_user(employee).search([])
        with self.assertRaises(AccessError):
            anomalies.with_user(employee).read(["kind"])

    # ------------------------------------------------------------------
    # Query budget
    # ------------------------------------------------------------------
    @warmup
    def test_detection_query_budget(self):
        grids = self.grids | self.grid_pudong | self.grid_south | self.grid_lujiazui
        # three anomalies and their activities; about the same for 3 or 300
        with self.assertQueryCount(__system__=40):
            anomalies = self._detect(grids)
        self.assertEqual(len(anomalies), 3)
        with self.assertQueryCount(__system__=3):
            self.assertFalse(self._detect(grids))
