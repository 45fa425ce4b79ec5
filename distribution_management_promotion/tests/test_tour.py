from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDealerQuickOrderPromotionTour(HttpCase):
    """A dealer places a quick order at tier price with a promotion."""

    def setUp(self):
        super().setUp()
        company = self.env.company
        company.dms_portal_order_confirm = True
        self.env["loyalty.program"].search([]).action_archive()
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Tour tier prices",
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
        tier = self.env["dms.tier"].create(
            {"name": "Tour Tier", "code": "T_TOURQ", "pricelist_id": pricelist.id}
        )
        self.dealer = self.env["res.partner"].create(
            {
                "name": "Tour Dealer Co.",
                "is_company": True,
                "email": "tour.dealer@example.com",
                "dms_state": "approved",
                "dms_tier_id": tier.id,
                "dms_referral_code": "TOURB001",
            }
        )
        self.product = self.env["product.product"].create(
            {"name": "Tour Juice", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        program = self.env["loyalty.program"].create(
            {
                "name": "Spend 1,000, save 100",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "rule_ids": [
                    Command.create({"minimum_amount": 1000, "reward_point_amount": 1})
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 100,
                            "discount_mode": "per_order",
                            "description": "Spend 1,000, save 100",
                        }
                    )
                ],
            }
        )
        program.dms_tier_ids = tier
        new_test_user(
            self.env,
            login="tour_dealer",
            password="tour_dealer",
            groups="base.group_portal",
            partner_id=self.dealer.id,
        )

    def test_dealer_quick_order_promotion_tour(self):
        self.start_tour(
            "/my/dms", "dms_dealer_quick_order_promotion_tour", login="tour_dealer"
        )
        order = self.env["sale.order"].search([("partner_id", "=", self.dealer.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.dms_distributor_id, self.dealer)
        product_line = order.order_line.filtered(lambda line: not line.reward_id)
        self.assertEqual(product_line.product_uom_qty, 12)
        self.assertAlmostEqual(product_line.price_unit, 90.0, places=2)
        self.assertTrue(order.order_line.reward_id)
        self.assertAlmostEqual(order.amount_untaxed, 980.0, places=2)
