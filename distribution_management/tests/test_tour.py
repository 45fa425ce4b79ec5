from datetime import date, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestApproveTour(HttpCase):
    """A distribution manager approves an application in the browser."""

    def setUp(self):
        super().setUp()
        company = self.env.company
        self.applicant = self.env["res.partner"].create(
            {
                "name": "Tour Applicant Co.",
                "is_company": True,
                "email": "tour.applicant@example.com",
                "country_id": self.env.ref("base.cn").id,
                "city": "Shanghai",
                "vat": "91310000TOUR00001X",
                "dms_state": "submitted",
            }
        )
        required_types = self.env["dms.document.type"].search(
            [
                ("required", "=", True),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", company.id),
            ]
        )
        self.assertTrue(required_types, "the add-on ships a required document type")
        future = date.today() + timedelta(days=365)
        self.env["dms.document"].create(
            [
                {
                    "partner_id": self.applicant.id,
                    "type_id": doc_type.id,
                    "name": f"TOUR-{doc_type.id}",
                    "review_state": "accepted",
                    "expiry_date": future,
                }
                for doc_type in required_types
            ]
        )
        self.assertTrue(self.applicant.dms_checklist_ok)
        tiers = self.env["dms.tier"].search([("company_id", "=", company.id)])
        if not tiers:
            tiers = self.env["dms.tier"].create(
                {"name": "Tour Tier", "code": "T_TOUR", "company_id": company.id}
            )
        self.expected_tier = company.dms_default_tier_id or tiers[0]
        company.dms_grant_portal_on_approval = True
        self.manager = new_test_user(
            self.env,
            login="dms_tour_manager",
            password="dms_tour_manager",
            email="dms.tour.manager@example.com",
            groups="base.group_user,distribution_management.group_dms_manager",
        )

    def test_approve_application_tour(self):
        self.assertFalse(self.applicant.user_ids)
        self.start_tour(
            "/odoo", "dms_approve_application_tour", login="dms_tour_manager"
        )
        self.env.invalidate_all()
        applicant = self.applicant
        self.assertEqual(applicant.dms_state, "approved")
        self.assertEqual(applicant.dms_approved_by_id, self.manager)
        self.assertTrue(applicant.dms_approved_on)
        self.assertTrue(applicant.dms_referral_code)
        self.assertRegex(applicant.dms_referral_code, r"^[A-Z0-9]{4,20}$")
        self.assertEqual(applicant.dms_tier_id, self.expected_tier)
        portal_users = applicant.with_context(active_test=False).user_ids
        self.assertEqual(len(portal_users), 1)
        self.assertTrue(portal_users.share)
        self.assertTrue(portal_users.active)
        self.assertTrue(portal_users._is_portal())
        self.assertEqual(portal_users.login, "tour.applicant@example.com")


@tagged("post_install", "-at_install")
class TestDealerQuickOrderTour(HttpCase):
    """A dealer places a quick order at tier price."""

    def setUp(self):
        super().setUp()
        company = self.env.company
        company.dms_portal_order_confirm = True
        if "loyalty.program" in self.env:  # sale_loyalty installed
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
        new_test_user(
            self.env,
            login="tour_dealer",
            password="tour_dealer",
            groups="base.group_portal",
            partner_id=self.dealer.id,
        )

    def test_dealer_quick_order_tour(self):
        self.start_tour("/my/dms", "dms_dealer_quick_order_tour", login="tour_dealer")
        order = self.env["sale.order"].search([("partner_id", "=", self.dealer.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.dms_distributor_id, self.dealer)
        self.assertEqual(order.order_line.product_uom_qty, 12)
        self.assertAlmostEqual(order.order_line.price_unit, 90.0, places=2)
        self.assertAlmostEqual(order.amount_untaxed, 1080.0, places=2)


@tagged("post_install", "-at_install")
class TestListDatesTour(HttpCase):
    """Lists show dates in full in the user's format: a Chinese date
    (2026年12月28日) is wider than the column Odoo gives dates."""

    def test_dates_not_cut_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        user = new_test_user(
            self.env,
            login="dms_dates_zh",
            password="dms_dates_zh",
            groups="base.group_user,distribution_management.group_dms_manager",
            lang="zh_CN",
        )
        if "tour_enabled" in user._fields:
            user.tour_enabled = False
        doc_type = self.env["dms.document.type"].create({"name": "Dates licence"})
        dealer = self.env["res.partner"].create({"name": "Dates dealer"})
        self.env["dms.document"].create(
            [
                {
                    "partner_id": dealer.id,
                    "type_id": doc_type.id,
                    "name": f"DATES-{month}",
                    "expiry_date": date(2030, month, 28),
                }
                for month in (9, 12)
            ]
        )
        action = self.env.ref("distribution_management.action_dms_document")
        self.start_tour(
            f"/odoo/action-{action.id}", "dms_list_dates_tour", login="dms_dates_zh"
        )
