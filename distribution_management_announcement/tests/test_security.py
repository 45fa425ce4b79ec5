from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_announcement import DmsAnnouncementCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(DmsAnnouncementCommon):
    """Announcements and their read receipts stay in their company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "DMS Company B"})
        cls.dist_b_company = cls.env["res.partner"].create(
            {
                "name": "B Distributor",
                "company_id": cls.company_b.id,
                "dms_state": "approved",
            }
        )
        cls.news_b = cls._announcement("News of B", company_id=cls.company_b.id)
        cls.receipt_b = cls.news_b._mark_read(cls.dist_b_company, cls.env.user)
        cls.news_a = cls._announcement("News of A")
        cls.manager_a = new_test_user(
            cls.env,
            login="ann_mgr_a",
            groups="distribution_management.group_dms_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_audience_of_the_company(self):
        self.assertIn(self.dist_b_company, self.news_b._get_audience())
        self.assertNotIn(self.dist_b_company, self.news_a._get_audience())

    def test_isolation(self):
        env = self.env(user=self.manager_a)
        self.assertEqual(env["dms.announcement"].search([]), self.news_a)
        self.assertFalse(env["dms.announcement.read"].search([]))
        with self.assertRaises(AccessError):
            self.news_b.with_user(self.manager_a).read(["name"])
        with self.assertRaises(AccessError):
            self.receipt_b.with_user(self.manager_a).read(["read_date"])
        # with both companies allowed, both are visible
        self.manager_a.company_ids = [Command.link(self.company_b.id)]
        env = self.env(
            user=self.manager_a,
            context={"allowed_company_ids": [self.company.id, self.company_b.id]},
        )
        self.assertEqual(env["dms.announcement"].search([]), self.news_a | self.news_b)
        self.assertEqual(env["dms.announcement.read"].search([]), self.receipt_b)
