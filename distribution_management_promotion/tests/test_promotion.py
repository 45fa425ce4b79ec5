from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management.tests.test_sale import DmsSaleCommon


class DmsPromotionCommon(DmsSaleCommon):
    """The network of DmsCommon (demo grids, distributors and loyalty programs
    archived), a 600.00 product without taxes sold on a price list without
    rules, and a spend-1,000-save-100 promotion for the Distributor tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_prices = cls.env["product.pricelist"].create(
            {"name": "Plain prices", "currency_id": cls.company.currency_id.id}
        )
        cls.big = cls.env["product.product"].create(
            {"name": "Crate", "list_price": 600.0, "taxes_id": [Command.clear()]}
        )
        cls.spend_save = cls._program(
            "Spend 1,000, save 100",
            rule={"minimum_amount": 1000},
            reward={"discount": 100, "discount_mode": "per_order"},
            dms_tier_ids=[Command.set(cls.tier_dist.ids)],
        )
        # a buyer of Dist B: orders placed for this contact are Dist B's
        cls.buyer_b = cls.env["res.partner"].create(
            {"name": "Dist B Buyer", "type": "contact", "parent_id": cls.dist_b.id}
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

    def _sale(self, partner, qty=2, apply=True, **vals):
        """An order of ``qty`` x 600.00, with its automatic rewards claimed."""
        order = self.env["sale.order"].create(
            dict(
                {
                    "partner_id": partner.id,
                    "pricelist_id": self.plain_prices.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.big.id, "product_uom_qty": qty}
                        )
                    ],
                },
                **vals,
            )
        )
        if apply:
            order._dms_apply_automatic_rewards()
        return order


@tagged("post_install", "-at_install")
class TestPromotion(DmsPromotionCommon):
    def test_spend_save_for_eligible_tier(self):
        order = self._sale(self.dist_b)  # Distributor tier, 2 x 600.00
        self.assertEqual(order.order_line.reward_id.program_id, self.spend_save)
        self.assertAlmostEqual(order.amount_untaxed, 1100.0, places=2)
        self.assertAlmostEqual(order.amount_total, 1100.0, places=2)
        # under the threshold: nothing
        small = self._sale(self.dist_b, qty=1)
        self.assertFalse(small.order_line.reward_id)
        self.assertAlmostEqual(small.amount_total, 600.0, places=2)

    def test_contact_of_a_dealer_orders_for_the_dealer(self):
        order = self._sale(self.buyer_b)
        self.assertEqual(order.order_line.reward_id.program_id, self.spend_save)
        self.assertAlmostEqual(order.amount_total, 1100.0, places=2)

    def test_refused_for_other_tier(self):
        order = self._sale(self.dist_a)  # City Partner tier
        self.assertFalse(order.order_line.reward_id)
        self.assertAlmostEqual(order.amount_total, 1200.0, places=2)
        status = order._try_apply_program(self.spend_save)
        self.assertIn("reserved for the tiers", status["error"])
        self.assertFalse(order.order_line.reward_id)
        self.assertAlmostEqual(order.amount_total, 1200.0, places=2)

    def test_customer_qualifies_through_distributor(self):
        order = self._sale(self.customer)
        self.assertFalse(order.order_line.reward_id)
        self.assertIn(
            "reserved for distributors",
            order._try_apply_program(self.spend_save)["error"],
        )
        order = self._sale(self.customer, dms_referral_code="BBBB2222")
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        self.assertEqual(order.order_line.reward_id.program_id, self.spend_save)
        # attributed by hand
        order = self._sale(self.customer, dms_distributor_id=self.dist_b.id)
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        self.assertAlmostEqual(order.amount_total, 1100.0, places=2)
        # credited to a distributor of another tier: refused
        order = self._sale(self.customer, dms_distributor_id=self.dist_a.id)
        self.assertFalse(order.order_line.reward_id)

    def test_suspended_distributor_does_not_qualify(self):
        order = self._sale(self.customer, dms_distributor_id=self.dist_b.id)
        self.assertTrue(order.order_line.reward_id)
        self.dist_b.dms_state = "suspended"
        order._update_programs_and_rewards()
        self.assertFalse(order.order_line.reward_id)
        self.assertAlmostEqual(order.amount_total, 1200.0, places=2)

    def test_grid_restriction_includes_sub_grids(self):
        self.spend_save.write(
            {
                "dms_tier_ids": [Command.clear()],
                "dms_grid_ids": [Command.set(self.grid_shanghai.ids)],
            }
        )
        # Dist B delivers in Pudong, under Shanghai
        order = self._sale(self.dist_b)
        self.assertEqual(order.dms_grid_id, self.grid_pudong)
        self.assertAlmostEqual(order.amount_total, 1100.0, places=2)
        # Tianhe is not under Shanghai
        south = self._sale(self.dist_south)
        self.assertEqual(south.dms_grid_id, self.grid_tianhe)
        self.assertFalse(south.order_line.reward_id)
        self.assertIn(
            "reserved for deliveries",
            south._try_apply_program(self.spend_save)["error"],
        )
        # an order without a dealer never qualifies, even in the grid
        self.assertFalse(self._sale(self.customer).order_line.reward_id)

    def test_restrictions_hold_whatever_the_user_may_read(self):
        """A grid manager of East cannot read the South grid, and archived grids
        are hidden from many2many fields: the program must not look open."""
        self.spend_save.write(
            {
                "dms_tier_ids": [Command.clear()],
                "dms_grid_ids": [Command.set(self.grid_south.ids)],
            }
        )
        manager = self._grid_user("promo_east_manager", self.grid_east)
        self.assertFalse(self.spend_save.with_user(manager).dms_grid_ids)
        order = self._sale(self.dist_b, apply=False).with_user(manager)
        order._dms_apply_automatic_rewards()
        self.assertFalse(order.order_line.reward_id)
        self.assertIn(
            "reserved for deliveries",
            order._try_apply_program(self.spend_save)["error"],
        )
        self.grid_south.action_archive()
        self.assertFalse(self._sale(self.dist_b).order_line.reward_id)

    def test_opt_in(self):
        self.spend_save.dms_require_opt_in = True
        order = self._sale(self.dist_b)
        self.assertFalse(order.order_line.reward_id)
        self.assertIn(
            "Join this promotion", order._try_apply_program(self.spend_save)["error"]
        )
        self.spend_save.dms_optin_partner_ids = [Command.link(self.dist_b.id)]
        order._dms_apply_automatic_rewards()
        self.assertAlmostEqual(order.amount_total, 1100.0, places=2)
        self.assertAlmostEqual(self._sale(self.buyer_b).amount_total, 1100.0, places=2)

    def test_unrestricted_program_for_everyone(self):
        self.spend_save.dms_tier_ids = [Command.clear()]
        for partner in (self.customer, self.dist_a, self.dist_south):
            self.assertAlmostEqual(self._sale(partner).amount_total, 1100.0, places=2)

    def test_percent_discount(self):
        percent = self._program(
            "Partners 10%",
            reward={"discount": 10, "discount_mode": "percent"},
            dms_tier_ids=[Command.set(self.tier_partner.ids)],
        )
        order = self._sale(self.dist_a)
        self.assertEqual(order.order_line.reward_id.program_id, percent)
        self.assertAlmostEqual(order.amount_total, 1080.0, places=2)
        self.assertFalse(
            self._sale(self.dist_b).order_line.reward_id.program_id & percent
        )

    def test_promo_code_refused_for_wrong_tier(self):
        self._program(
            "Partner code",
            program_type="promo_code",
            trigger="with_code",
            rule={"mode": "with_code", "code": "PARTNER5"},
            reward={"discount": 5, "discount_mode": "percent"},
            dms_tier_ids=[Command.set(self.tier_partner.ids)],
        )
        refused = self._sale(self.dist_b, qty=1)
        status = refused._try_apply_code("PARTNER5")
        self.assertIn("reserved for the tiers", status["error"])
        self.assertFalse(refused.code_enabled_rule_ids)
        self.assertFalse(refused.order_line.reward_id)
        accepted = self._sale(self.dist_a, qty=1)
        rewards = accepted._try_apply_code("PARTNER5")
        self.assertNotIn("error", rewards)
        coupon, reward = next(iter(rewards.items()))
        self.assertFalse(accepted._apply_program_reward(reward, coupon))
        self.assertAlmostEqual(accepted.amount_total, 570.0, places=2)

    def test_coupon_refused_for_wrong_tier(self):
        coupons = self._program(
            "Partner coupons",
            program_type="coupons",
            trigger="with_code",
            reward={"discount": 20, "discount_mode": "percent"},
            dms_tier_ids=[Command.set(self.tier_partner.ids)],
        )
        card = self.env["loyalty.card"].create(
            {"program_id": coupons.id, "code": "LEAD20", "points": 1}
        )
        refused = self._sale(self.dist_b, qty=1)
        self.assertIn(
            "reserved for the tiers", refused._try_apply_code("LEAD20")["error"]
        )
        self.assertFalse(refused.applied_coupon_ids)
        accepted = self._sale(self.dist_a)
        rewards = accepted._try_apply_code(card.code)
        self.assertNotIn("error", rewards)
        self.assertFalse(accepted._apply_program_reward(rewards[card], card))
        self.assertAlmostEqual(accepted.amount_total, 960.0, places=2)

    def test_next_order_coupon_refused_for_wrong_tier(self):
        """Coupons of programs for future orders skip _try_apply_program in
        sale_loyalty: they are checked too, when applied and when claimed."""
        program = self._program(
            "Partner next order",
            program_type="next_order_coupons",
            trigger="auto",
            applies_on="future",
            reward={"discount": 10, "discount_mode": "percent"},
            dms_tier_ids=[Command.set(self.tier_partner.ids)],
        )
        reward = program.reward_ids
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "code": "NEXT10", "points": 1}
        )
        refused = self._sale(self.dist_b, qty=1)
        self.assertIn(
            "reserved for the tiers", refused._try_apply_code("NEXT10")["error"]
        )
        self.assertFalse(refused.applied_coupon_ids)
        # claiming directly is refused as well, and not offered
        self.assertIn(
            "reserved for the tiers",
            refused._apply_program_reward(reward, card)["error"],
        )
        self.assertFalse(refused._get_claimable_rewards(forced_coupons=card))
        self.assertFalse(refused.order_line.reward_id)

        order = self._sale(self.dist_a)
        rewards = order._try_apply_code("NEXT10")
        self.assertEqual(rewards[card], reward)
        self.assertFalse(order._apply_program_reward(reward, card))
        self.assertAlmostEqual(order.amount_total, 1080.0, places=2)
        # the order goes to a dealer of another tier: the coupon goes
        order.partner_id = self.buyer_b
        order._update_programs_and_rewards()
        self.assertFalse(order.order_line.reward_id & reward)
        self.assertNotIn(card, order.applied_coupon_ids)

    def test_quick_order_claims_the_automatic_rewards(self):
        """The core's quick order calls _dms_finalize_quick_order: this add-on
        claims the automatic rewards the dealer is entitled to there."""
        self.dist_b.property_product_pricelist = self.plain_prices
        order = self.env["sale.order"]._dms_create_quick_order(
            self.dist_b, self.buyer_b, [(self.big, 2)]
        )
        self.assertEqual(order.order_line.reward_id.program_id, self.spend_save)
        self.assertAlmostEqual(order.amount_untaxed, 1100.0, places=2)
        # a dealer of another tier gets nothing
        self.dist_a.property_product_pricelist = self.plain_prices
        order = self.env["sale.order"]._dms_create_quick_order(
            self.dist_a, self.dist_a, [(self.big, 2)]
        )
        self.assertFalse(order.order_line.reward_id)
        self.assertAlmostEqual(order.amount_untaxed, 1200.0, places=2)

    def test_eligibility_is_batched(self):
        def queries(programs):
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            errors = order._dms_program_errors(programs)
            return self.env.cr.sql_log_count - start, errors

        order = self._sale(self.dist_south, apply=False)
        programs = self.env["loyalty.program"]
        for index in range(6):
            programs |= self._program(
                f"Restricted {index}",
                dms_tier_ids=[Command.set(self.tier_partner.ids)],
                dms_grid_ids=[Command.set(self.grid_east.ids)],
                dms_require_opt_in=True,
            )
        few_count, few_errors = queries(programs[:2])
        many_count, many_errors = queries(programs)
        self.assertEqual(len(few_errors), 2)
        self.assertEqual(len(many_errors), 6)
        self.assertEqual(few_count, many_count)


@tagged("post_install", "-at_install")
class TestPromotionPortal(DmsPromotionCommon, DmsPortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.opt_in = cls._program(
            "South 5%",
            reward={"discount": 5, "discount_mode": "percent"},
            dms_grid_ids=[Command.set(cls.grid_south.ids)],
            dms_require_opt_in=True,
        )
        # the portal user of Dist South is a contact of the company
        south_buyer = cls.env["res.partner"].create(
            {"name": "South Buyer", "parent_id": cls.dist_south.id}
        )
        new_test_user(
            cls.env,
            login="south_dealer",
            password="south_dealer_pw",
            groups="base.group_portal",
            partner_id=south_buyer.id,
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

    def _opt(self, program_id, join="1", csrf=True):
        data = {"join": join}
        if csrf:
            data["csrf_token"] = self._csrf("/my/dms/promotions")
        return self.url_open(f"/my/dms/promotions/{program_id}/opt", data=data)

    def test_list_and_opt_in(self):
        self.authenticate("south_dealer", "south_dealer_pw")
        self._program("Leaders only", dms_tier_ids=[Command.set(self.tier_leader.ids)])
        self._program("East only", dms_grid_ids=[Command.set(self.grid_east.ids)])
        page = self.url_open("/my/dms/promotions")
        self.assertEqual(page.status_code, 200)
        self.assertIn("South 5%", page.text)
        self.assertIn("Spend 1,000, save 100", page.text)
        self.assertNotIn("Leaders only", page.text)
        self.assertNotIn("East only", page.text)
        # only the program that asks for it can be joined
        self.assertEqual(page.text.count("o_dms_promotion_join"), 1)
        response = self._opt(self.opt_in.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.dist_south, self.opt_in.dms_optin_partner_ids)
        self.assertIn("Joined", response.text)
        self._opt(self.opt_in.id, join="0")
        self.assertFalse(self.opt_in.dms_optin_partner_ids)

    def test_opt_in_then_the_promotion_applies(self):
        self.authenticate("south_dealer", "south_dealer_pw")
        self.assertFalse(self._sale(self.dist_south, qty=1).order_line.reward_id)
        self._opt(self.opt_in.id)
        order = self._sale(self.dist_south, qty=1)
        self.assertEqual(order.order_line.reward_id.program_id, self.opt_in)
        self.assertAlmostEqual(order.amount_total, 570.0, places=2)

    def test_home_entry(self):
        self.authenticate("south_dealer", "south_dealer_pw")
        self.assertIn("/my/dms/promotions", self.url_open("/my").text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dms_promotion_count"]}
        )
        self.assertEqual(counters["dms_promotion_count"], 2)
        self.authenticate("nobody", "nobody_pw")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dms_promotion_count"]}
        )
        self.assertEqual(counters["dms_promotion_count"], 0)

    def test_ineligible_or_unknown_program_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        foreign = self._program(
            "Other company's offer",
            company_id=other_company.id,
            dms_require_opt_in=True,
        )
        archived = self._program("Archived offer", dms_require_opt_in=True)
        archived.action_archive()
        self.authenticate("b_dealer", "b_dealer_pw")
        page = self.url_open("/my/dms/promotions")
        self.assertNotIn("South 5%", page.text)
        self.assertNotIn("Other company", page.text)
        self.assertNotIn("Archived offer", page.text)
        programs = self.opt_in | self.spend_save | foreign | archived
        for program_id in (*programs.ids, 999999):
            self.assertEqual(self._opt(program_id).status_code, 404)
        for program in programs:
            self.assertFalse(program.dms_optin_partner_ids, program.name)

    def test_non_dealer_refused(self):
        self.authenticate("nobody", "nobody_pw")
        self.assertTrue(self.url_open("/my/dms/promotions").url.endswith("/my"))
        response = self.url_open(
            f"/my/dms/promotions/{self.opt_in.id}/opt",
            data={"join": "1", "csrf_token": self._csrf("/my")},
        )
        self.assertTrue(response.url.endswith("/my"))
        self.assertFalse(self.opt_in.dms_optin_partner_ids)

    def test_no_csrf_refused(self):
        self.authenticate("south_dealer", "south_dealer_pw")
        response = self._opt(self.opt_in.id, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.opt_in.dms_optin_partner_ids)
