from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DmsCommon


@tagged("post_install", "-at_install")
class TestTier(DmsCommon):
    def _invoice(self, partner, amount, move_type="out_invoice", days_ago=10):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": fields.Date.today() - timedelta(days=days_ago),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Juice",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def test_tier_order_and_constraints(self):
        tiers = self.env["dms.tier"].search(
            [("code", "in", ("T_DIST", "T_SENIOR", "T_LEADER", "T_PARTNER"))]
        )
        self.assertEqual(
            tiers.mapped("code"), ["T_DIST", "T_SENIOR", "T_LEADER", "T_PARTNER"]
        )
        with self.assertRaises(ValidationError):
            self.tier_senior.downgrade_threshold = 20000
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["dms.tier"].create({"name": "Dup", "code": "T_DIST"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.tier_dist.write({"upgrade_threshold": -1})

    def test_partner_count(self):
        self.assertEqual(self.tier_partner.partner_count, 1)
        self.assertEqual(self.tier_dist.partner_count, 3)
        action = self.tier_dist.action_view_partners()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]),
            self.dist_b | self.dist_c | self.dist_south,
        )

    def test_target_tier_math(self):
        tiers = self.tier_dist | self.tier_senior | self.tier_leader | self.tier_partner
        target = tiers._dms_target_tier
        # upgrades: the highest threshold reached
        self.assertEqual(target(self.tier_dist, 9999.99), self.tier_dist)
        self.assertEqual(target(self.tier_dist, 10000), self.tier_senior)
        self.assertEqual(target(self.tier_dist, 60000), self.tier_leader)
        self.assertEqual(target(self.tier_senior, 250000), self.tier_partner)
        # between downgrade and upgrade thresholds: stay
        self.assertEqual(target(self.tier_leader, 30000), self.tier_leader)
        self.assertEqual(target(self.tier_leader, 49999), self.tier_leader)
        # below the downgrade threshold: the highest tier still reached
        self.assertEqual(target(self.tier_leader, 29999.99), self.tier_senior)
        self.assertEqual(target(self.tier_leader, 100), self.tier_dist)
        # no tier yet
        self.assertEqual(target(self.env["dms.tier"], 0), self.env["dms.tier"])
        self.assertEqual(target(self.env["dms.tier"], 12000), self.tier_senior)

    def test_rolling_sales_net_of_refunds_and_window(self):
        self._invoice(self.dist_b, 8000)
        self._invoice(self.dist_b, 5000)
        self._invoice(self.dist_b, 1500, move_type="out_refund")
        self._invoice(self.dist_b, 90000, days_ago=400)  # outside the window
        self._invoice(self.dist_c, 700)
        sales = self.env["dms.tier"]._dms_rolling_sales(self.dist_b | self.dist_c)
        self.assertAlmostEqual(sales[self.dist_b.id], 11500.0, places=2)
        self.assertAlmostEqual(sales[self.dist_c.id], 700.0, places=2)
        self.assertAlmostEqual(self.dist_b.dms_rolling_sales, 11500.0, places=2)
        self.company.dms_tier_rolling_days = 500
        sales = self.env["dms.tier"]._dms_rolling_sales(self.dist_b)
        self.assertAlmostEqual(sales[self.dist_b.id], 101500.0, places=2)

    def test_nightly_evaluation_upgrades_downgrades_and_logs(self):
        self._invoice(self.dist_b, 12000)
        self.dist_c.dms_tier_id = self.tier_leader  # no sales: downgrade
        self.dist_south.write(
            {"dms_tier_id": self.tier_leader.id, "dms_tier_locked": True}
        )
        self.env["dms.tier"]._cron_evaluate_tiers()
        self.assertEqual(self.dist_b.dms_tier_id, self.tier_senior)
        self.assertEqual(self.dist_c.dms_tier_id, self.tier_dist)
        self.assertEqual(self.dist_south.dms_tier_id, self.tier_leader, "locked")
        # no sales: from City Partner down to the lowest tier
        self.assertEqual(self.dist_a.dms_tier_id, self.tier_dist)
        message = self.dist_b.message_ids[0]
        self.assertIn("upgraded", message.body)
        self.assertIn("12,000.00", message.body)
        self.assertIn("downgraded", self.dist_c.message_ids[0].body)
        # a second run changes nothing and logs nothing
        count = len(self.dist_b.message_ids)
        self.env["dms.tier"]._cron_evaluate_tiers()
        self.assertEqual(len(self.dist_b.message_ids), count)

    def test_evaluation_skips_non_approved(self):
        pending = self._create_distributor("Pending", "submitted", zip_code="510601")
        self._invoice(pending, 60000)
        self.env["dms.tier"]._cron_evaluate_tiers()
        self.assertEqual(pending.dms_tier_id, self.tier_dist)

    def test_evaluation_in_batch(self):
        partners = self.env["res.partner"]
        for index in range(10):
            partner = self._create_distributor(
                f"Bulk {index}", "approved", zip_code="510601"
            )
            self._invoice(partner, 12000)
            partners |= partner
        partners._dms_evaluate_tier()
        self.assertEqual(set(partners.mapped("dms_tier_id")), {self.tier_senior})

    def test_settings_bounds(self):
        settings = self.env["res.config.settings"].create({})
        settings.dms_tier_rolling_days = 90
        settings.execute()
        self.assertEqual(self.company.dms_tier_rolling_days, 90)
        for bad in (0, 4):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.company.dms_max_depth = bad
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.company.dms_tier_rolling_days = 0
