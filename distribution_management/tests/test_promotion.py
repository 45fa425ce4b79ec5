import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_sale import DmsSaleCommon


class DmsPromotionCommon(DmsSaleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls.env["product.product"].create(
            {"name": "Crate", "list_price": 600.0, "taxes_id": [Command.clear()]}
        )
        cls.spend_save = cls._program(
            "Spend 1,000, save 100",
            rule={"minimum_amount": 1000},
            reward={"discount": 100, "discount_mode": "per_order"},
            dms_tier_ids=[Command.set(cls.tier_dist.ids)],
        )

    @classmethod
    def _program(cls, name, rule=None, reward=None, **vals):
        values = {
            "name": name,
            "program_type": "promotion",
            "trigger": "auto",
            "applies_on": "current",
            "rule_ids": [
                Command.create(dict({"reward_point_amount": 1}, **(rule or {})))
            ],
            "reward_ids": [
                Command.create(
                    dict(
                        {"reward_type": "discount", "discount_applicability": "order"},
                        **(reward or {}),
                    )
                )
            ],
        }
        values.update(vals)
        return cls.env["loyalty.program"].create(values)

    def _sale(self, partner, qty=2, **vals):
        order = self.env["sale.order"].create(
            dict(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.big.id, "product_uom_qty": qty}
                        )
                    ],
                },
                **vals,
            )
        )
        order._dms_apply_automatic_rewards()
        return order

    def _goods(self, order):
        """Untaxed amount of the goods, before any reward."""
        return sum(
            order.order_line.filtered(lambda line: not line.reward_id).mapped(
                "price_subtotal"
            )
        )


@tagged("post_install", "-at_install")
class TestPromotion(DmsPromotionCommon):
    def test_spend_save_for_eligible_tier(self):
        order = self._sale(self.dist_b)  # tier_dist
        self.assertEqual(order.order_line.reward_id.program_id, self.spend_save)
        self.assertGreaterEqual(self._goods(order), 1000)
        self.assertAlmostEqual(order.amount_untaxed, self._goods(order) - 100, places=2)

    def test_refused_for_other_tier(self):
        order = self._sale(self.dist_a)  # City Partner tier
        self.assertFalse(order.order_line.reward_id)
        self.assertAlmostEqual(order.amount_untaxed, self._goods(order), places=2)
        status = order._try_apply_program(self.spend_save)
        self.assertIn("reserved for the tiers", status["error"])

    def test_customer_qualifies_through_distributor(self):
        self.assertFalse(self._sale(self.customer).order_line.reward_id)
        order = self._sale(self.customer, dms_referral_code="BBBB2222")
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        self.assertEqual(order.order_line.reward_id.program_id, self.spend_save)

    def test_grid_restriction_includes_sub_grids(self):
        self.spend_save.write(
            {
                "dms_tier_ids": [Command.clear()],
                "dms_grid_ids": [Command.set(self.grid_shanghai.ids)],
            }
        )
        # Pudong is under Shanghai
        self.assertTrue(self._sale(self.dist_b).order_line.reward_id)
        # Tianhe is not
        south = self._sale(self.dist_south)
        self.assertFalse(south.order_line.reward_id)
        self.assertIn(
            "reserved for deliveries",
            south._try_apply_program(self.spend_save)["error"],
        )

    def test_opt_in(self):
        self.spend_save.dms_require_opt_in = True
        order = self._sale(self.dist_b)
        self.assertFalse(order.order_line.reward_id)
        self.assertIn(
            "Join this promotion", order._try_apply_program(self.spend_save)["error"]
        )
        self.spend_save.dms_optin_partner_ids = [Command.link(self.dist_b.id)]
        self.assertTrue(self._sale(self.dist_b).order_line.reward_id)

    def test_unrestricted_program_for_everyone(self):
        self.spend_save.dms_tier_ids = [Command.clear()]
        self.assertTrue(self._sale(self.customer).order_line.reward_id)
        self.assertTrue(self._sale(self.dist_a).order_line.reward_id)

    def test_percent_discount_and_coupon_code(self):
        percent = self._program(
            "Leaders 10%",
            reward={"discount": 10, "discount_mode": "percent"},
            dms_tier_ids=[Command.set(self.tier_partner.ids)],
        )
        order = self._sale(self.dist_a)
        self.assertEqual(order.order_line.reward_id.program_id, percent)
        self.assertAlmostEqual(order.amount_untaxed, self._goods(order) * 0.9, places=2)
        coupons = self._program(
            "Leader coupons",
            program_type="coupons",
            trigger="with_code",
            reward={"discount": 20, "discount_mode": "percent"},
            dms_tier_ids=[Command.set(self.tier_partner.ids)],
        )
        card = self.env["loyalty.card"].create(
            {"program_id": coupons.id, "code": "LEAD20", "points": 1}
        )
        refused = self._sale(self.dist_b)._try_apply_code(card.code)
        self.assertIn("reserved for the tiers", refused["error"])
        accepted = self._sale(self.dist_a)._try_apply_code(card.code)
        self.assertNotIn("error", accepted)


@tagged("post_install", "-at_install")
class TestPromotionPortal(DmsPromotionCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.opt_in = cls._program(
            "South 5%",
            reward={"discount": 5, "discount_mode": "percent"},
            dms_grid_ids=[Command.set(cls.grid_south.ids)],
            dms_require_opt_in=True,
        )
        new_test_user(
            cls.env,
            login="south_dealer",
            password="south_dealer_pw",
            groups="base.group_portal",
            partner_id=cls.dist_south.id,
        )
        new_test_user(
            cls.env,
            login="b_dealer",
            password="b_dealer_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )
        new_test_user(
            cls.env, login="nobody", password="nobody_pw", groups="base.group_portal"
        )

    def _csrf(self):
        page = self.url_open("/my/dms/promotions")
        return re.search(r'csrf_token: "([^"]+)"', page.text).group(1)

    def test_list_and_opt_in(self):
        self.authenticate("south_dealer", "south_dealer_pw")
        self._program("Leaders only", dms_tier_ids=[Command.set(self.tier_leader.ids)])
        page = self.url_open("/my/dms/promotions")
        self.assertIn("South 5%", page.text)
        self.assertIn("Spend 1,000, save 100", page.text)
        self.assertNotIn("Leaders only", page.text)
        response = self.url_open(
            f"/my/dms/promotions/{self.opt_in.id}/opt",
            data={"join": "1", "csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.dist_south, self.opt_in.dms_optin_partner_ids)
        self.assertIn("Joined", response.text)
        self.url_open(
            f"/my/dms/promotions/{self.opt_in.id}/opt",
            data={"join": "0", "csrf_token": self._csrf()},
        )
        self.assertFalse(self.opt_in.dms_optin_partner_ids)

    def test_ineligible_or_unknown_program_refused(self):
        self.authenticate("b_dealer", "b_dealer_pw")
        page = self.url_open("/my/dms/promotions")
        self.assertNotIn("South 5%", page.text)
        for program_id in (self.opt_in.id, self.spend_save.id, 999999):
            response = self.url_open(
                f"/my/dms/promotions/{program_id}/opt",
                data={"join": "1", "csrf_token": self._csrf()},
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(self.opt_in.dms_optin_partner_ids)
        self.assertFalse(self.spend_save.dms_optin_partner_ids)

    def test_non_dealer_and_no_csrf(self):
        self.authenticate("nobody", "nobody_pw")
        self.assertTrue(self.url_open("/my/dms/promotions").url.endswith("/my"))
        self.authenticate("south_dealer", "south_dealer_pw")
        response = self.url_open(
            f"/my/dms/promotions/{self.opt_in.id}/opt", data={"join": "1"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.opt_in.dms_optin_partner_ids)
