import re
from datetime import timedelta

import psycopg2.errors

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import warmup
from odoo.tools import mute_logger

from odoo.addons.distribution_management.tests.common import DmsCommon


class DmsAnnouncementCommon(DmsCommon):
    """The network of DmsCommon plus a distributor in the Zhangjiang cell
    (under Pudong, under Shanghai), a submitted application and a suspended
    distributor; demo announcements removed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dms.announcement"].search([]).unlink()
        cls.today = cls.company._dms_today()
        cls.dist_zj = cls._create_distributor(
            "Dist ZJ", "approved", zip_code="201203", tier=cls.tier_senior
        )
        cls.dist_pending = cls._create_distributor(
            "Dist Pending", "submitted", zip_code="201203", tier=cls.tier_senior
        )
        cls.dist_suspended = cls._create_distributor(
            "Dist Suspended", "suspended", zip_code="201203", tier=cls.tier_senior
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Plain Customer", "email": "customer@example.com"}
        )
        cls.approved = cls.dist_a | cls.dist_b | cls.dist_c | cls.dist_south
        cls.approved |= cls.dist_zj

    @classmethod
    def _announcement(cls, name, publish=True, **vals):
        announcement = cls.env["dms.announcement"].create(dict({"name": name}, **vals))
        if publish:
            announcement.action_publish()
        return announcement


@tagged("post_install", "-at_install")
class TestAnnouncement(DmsAnnouncementCommon):
    def test_grids_of_the_network(self):
        # the figures below rely on this placement
        self.assertEqual(self.dist_a.dms_grid_id, self.grid_pudong)
        self.assertEqual(self.dist_b.dms_grid_id, self.grid_pudong)
        self.assertEqual(self.dist_zj.dms_grid_id, self.grid_zhangjiang)
        self.assertEqual(self.dist_south.dms_grid_id, self.grid_tianhe)

    def test_audience_all(self):
        announcement = self._announcement("For everyone")
        self.assertEqual(announcement._get_audience(), self.approved)
        self.assertEqual(announcement.audience_count, 5)

    def test_audience_tier_is_re_evaluated(self):
        announcement = self._announcement(
            "Seniors and partners",
            audience_type="tier",
            tier_ids=[Command.set((self.tier_senior | self.tier_partner).ids)],
        )
        self.assertEqual(announcement._get_audience(), self.dist_a | self.dist_zj)
        # a dealer who joins the tier later is in the audience, nothing stored
        self.dist_b.dms_tier_id = self.tier_senior
        self.assertEqual(
            announcement._get_audience(), self.dist_a | self.dist_b | self.dist_zj
        )
        self.dist_zj.dms_tier_id = self.tier_dist
        self.assertEqual(announcement._get_audience(), self.dist_a | self.dist_b)
        # an archived tier keeps its dealers in the audience
        self.tier_senior.action_archive()
        announcement.invalidate_recordset()
        self.assertEqual(announcement._get_audience(), self.dist_a | self.dist_b)
        leaders = self._announcement(
            "Leaders",
            audience_type="tier",
            tier_ids=[Command.set(self.tier_leader.ids)],
        )
        self.tier_leader.action_archive()
        leaders.invalidate_recordset()
        # its archived tier is still a selection: it can be published again
        leaders.action_reset_draft()
        leaders.action_publish()
        self.assertEqual(leaders.state, "published")

    def test_audience_grid_includes_sub_grids(self):
        shanghai = self._announcement(
            "Shanghai",
            audience_type="grid",
            grid_ids=[Command.set(self.grid_shanghai.ids)],
        )
        self.assertEqual(shanghai._get_audience(), self.approved - self.dist_south)
        cell = self._announcement(
            "Zhangjiang cell",
            audience_type="grid",
            grid_ids=[Command.set(self.grid_zhangjiang.ids)],
        )
        self.assertEqual(cell._get_audience(), self.dist_zj)
        both = self._announcement(
            "Zhangjiang and South",
            audience_type="grid",
            grid_ids=[Command.set((self.grid_zhangjiang | self.grid_south).ids)],
        )
        self.assertEqual(both._get_audience(), self.dist_zj | self.dist_south)
        # a dealer moved into a sub-grid joins the audience
        self.dist_south.dms_grid_id = self.grid_lujiazui
        self.assertEqual(shanghai._get_audience(), self.approved)

    def test_audience_list_of_dealers(self):
        announcement = self._announcement(
            "Selected",
            audience_type="partner",
            partner_ids=[
                Command.set((self.dist_b | self.dist_pending | self.dist_south).ids)
            ],
        )
        # only approved distributors: the application under review is left out
        self.assertEqual(announcement._get_audience(), self.dist_b | self.dist_south)
        self.dist_south._dms_apply_transition("suspended", "Unpaid invoices")
        self.assertEqual(announcement._get_audience(), self.dist_b)

    def test_dealer_domain_mirrors_the_audience(self):
        Announcement = self.env["dms.announcement"]
        announcements = (
            self._announcement("All")
            | self._announcement(
                "Tier",
                audience_type="tier",
                tier_ids=[Command.set(self.tier_dist.ids)],
            )
            | self._announcement(
                "Grid",
                audience_type="grid",
                grid_ids=[Command.set(self.grid_pudong.ids)],
            )
            | self._announcement(
                "List",
                audience_type="partner",
                partner_ids=[Command.set((self.dist_c | self.dist_south).ids)],
            )
        )
        expected_counts = {
            self.dist_a: 2,  # all, grid
            self.dist_b: 3,  # all, tier, grid
            self.dist_c: 4,
            self.dist_south: 3,  # all, tier, list
            self.dist_zj: 2,  # all, grid (Zhangjiang is under Pudong)
        }
        for dealer, count in expected_counts.items():
            with self.subTest(dealer=dealer.name):
                found = Announcement.search(Announcement._dealer_domain(dealer))
                expected = announcements.filtered(
                    lambda a, d=dealer: d in a._get_audience()
                )
                self.assertEqual(found, expected)
                self.assertEqual(len(found), count)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.dist_zj.company_id = other_company
        self.assertFalse(
            Announcement.search(Announcement._dealer_domain(self.dist_zj)),
            "announcements of another company are not for this dealer",
        )

    def test_publication_window(self):
        Announcement = self.env["dms.announcement"]
        day = timedelta(days=1)
        draft = self._announcement("Draft", publish=False)
        live = self._announcement("Live", date_start=self.today)
        last_day = self._announcement(
            "Last day", date_start=self.today - 5 * day, date_end=self.today
        )
        scheduled = self._announcement("Scheduled", date_start=self.today + day)
        expired = self._announcement(
            "Expired", date_start=self.today - 5 * day, date_end=self.today - day
        )
        archived = self._announcement("Archived")
        archived.action_set_archived()
        everything = draft | live | last_day | scheduled | expired | archived
        self.assertEqual(
            everything.mapped("publication_status"),
            ["draft", "live", "live", "scheduled", "expired", "archived"],
        )
        self.assertEqual(everything.filtered("is_live"), live | last_day)
        self.assertEqual(Announcement.search([("is_live", "=", True)]), live | last_day)
        self.assertEqual(
            Announcement.search([("is_live", "=", False)]),
            draft | scheduled | expired | archived,
        )
        self.assertEqual(
            Announcement.search(
                Announcement._dealer_live_domain(self.dist_b), order="id"
            ),
            live | last_day,
        )
        with self.assertRaises(UserError):
            Announcement.search([("is_live", "in", [True])])

    def test_state_actions(self):
        announcement = self._announcement("News", publish=False)
        self.assertEqual(announcement.state, "draft")
        with self.assertRaisesRegex(UserError, "already a draft"):
            announcement.action_reset_draft()
        announcement.action_publish()
        self.assertEqual(announcement.state, "published")
        with self.assertRaisesRegex(UserError, "Only draft announcements"):
            announcement.action_publish()
        announcement.action_set_archived()
        self.assertEqual(announcement.state, "archived")
        with self.assertRaisesRegex(UserError, "already archived"):
            announcement.action_set_archived()
        announcement.action_reset_draft()
        self.assertEqual(announcement.state, "draft")

    def test_read_receipts_idempotent_and_counts(self):
        announcement = self._announcement("For everyone")
        portal_user = new_test_user(
            self.env, login="ann_reader", groups="base.group_portal"
        )
        first = announcement._mark_read(self.dist_b, portal_user)
        again = announcement._mark_read(self.dist_b, self.env.user)
        self.assertEqual(first, again)
        receipt = self.env["dms.announcement.read"].search(
            [("announcement_id", "=", announcement.id)]
        )
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.partner_id, self.dist_b)
        self.assertEqual(receipt.user_id, portal_user, "the first reader stays")
        self.assertEqual(receipt.dms_grid_id, self.grid_pudong)
        self.assertEqual(receipt.company_id, announcement.company_id)
        self.assertTrue(receipt.read_date)
        announcement._mark_read(self.dist_south, portal_user)
        announcement.invalidate_recordset()
        self.assertEqual(
            (
                announcement.audience_count,
                announcement.read_count,
                announcement.unread_count,
            ),
            (5, 2, 3),
        )
        unread = self.env["res.partner"].search(
            announcement.action_view_unread()["domain"]
        )
        self.assertEqual(unread, self.dist_a | self.dist_c | self.dist_zj)
        self.assertEqual(
            self.env["res.partner"].search(
                announcement.action_view_audience()["domain"]
            ),
            self.approved,
        )
        self.assertEqual(
            self.env["dms.announcement.read"].search(
                announcement.action_view_reads()["domain"]
            ),
            announcement.read_ids,
        )
        # a reader who left the audience is no longer counted
        self.dist_south._dms_apply_transition("suspended", "Contract ended")
        announcement.invalidate_recordset()
        self.assertEqual(
            (
                announcement.audience_count,
                announcement.read_count,
                announcement.unread_count,
            ),
            (4, 1, 3),
        )
        # the database refuses a second receipt
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
        ):
            self.env["dms.announcement.read"].create(
                {"announcement_id": announcement.id, "partner_id": self.dist_b.id}
            )

    def test_dates_must_be_in_order(self):
        Announcement = self.env["dms.announcement"]
        # assertRaises (not ...Regex) rolls back what was written
        with self.assertRaises(ValidationError) as refused:
            Announcement.create(
                {
                    "name": "Backwards",
                    "date_start": self.today,
                    "date_end": self.today - timedelta(days=1),
                }
            )
        self.assertIn("cannot end before it starts", str(refused.exception))
        self.assertFalse(Announcement.search([("name", "=", "Backwards")]))
        announcement = self._announcement("News", date_start=self.today)
        with self.assertRaises(ValidationError) as refused:
            announcement.date_end = self.today - timedelta(days=2)
        self.assertIn("cannot end before it starts", str(refused.exception))
        announcement.invalidate_recordset()
        self.assertFalse(announcement.date_end)

    def test_audience_selection_required_to_publish(self):
        for audience_type, label in (
            ("tier", "Tiers"),
            ("grid", "Grids"),
            ("partner", "Selected Dealers"),
        ):
            with self.subTest(audience_type=audience_type):
                announcement = self._announcement(
                    f"Empty {audience_type}",
                    publish=False,
                    audience_type=audience_type,
                    send_email=True,
                )
                with self.assertRaisesRegex(ValidationError, label):
                    announcement.action_publish()
                announcement.invalidate_recordset()
                self.assertEqual(announcement.state, "draft")
                self.assertFalse(announcement.email_sent_on)
                self.assertFalse(announcement.message_ids.partner_ids)
        # once published, the selection cannot be emptied
        announcement = self._announcement(
            "Tier news",
            audience_type="tier",
            tier_ids=[Command.set(self.tier_dist.ids)],
        )
        with self.assertRaises(ValidationError):
            announcement.tier_ids = [Command.clear()]
        announcement.invalidate_recordset()
        self.assertEqual(announcement.tier_ids, self.tier_dist)

    def test_email_on_publication(self):
        self.dist_c.email = False
        self.env["res.lang"]._activate_lang("zh_CN")
        self.dist_south.lang = "zh_CN"
        announcement = self._announcement(
            "Double 11 stock-up", publish=False, send_email=True
        )
        announcement.with_context(lang="zh_CN").name = "双十一备货通知"
        announcement.action_publish()
        self.assertTrue(announcement.email_sent_on)
        posts = announcement.message_ids.filtered("partner_ids")
        self.assertEqual(len(posts), 2, "one message per language")
        self.assertEqual(
            posts.partner_ids,
            self.dist_a | self.dist_b | self.dist_zj | self.dist_south,
        )
        chinese = posts.filtered(lambda m: self.dist_south in m.partner_ids)
        self.assertEqual(chinese.partner_ids, self.dist_south)
        self.assertEqual(chinese.subject, "双十一备货通知")
        self.assertIn(f"/my/dms/announcements/{announcement.id}", chinese.body)
        english = posts - chinese
        self.assertEqual(english.subject, "Double 11 stock-up")
        # queued, not sent on the spot
        mails = self.env["mail.mail"].search([("mail_message_id", "in", posts.ids)])
        self.assertEqual(
            mails.recipient_ids,
            self.dist_a | self.dist_b | self.dist_zj | self.dist_south,
        )
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        # published again: not emailed twice
        announcement.action_reset_draft()
        announcement.action_publish()
        self.assertEqual(len(announcement.message_ids.filtered("partner_ids")), 2)

    def test_email_waits_for_the_first_day(self):
        announcement = self._announcement(
            "Next week",
            send_email=True,
            date_start=self.today + timedelta(days=7),
        )
        self.assertFalse(announcement.email_sent_on)
        self.env["dms.announcement"]._cron_send_emails()
        self.assertFalse(announcement.email_sent_on)
        announcement.date_start = self.today
        self.env["dms.announcement"]._cron_send_emails()
        self.assertTrue(announcement.email_sent_on)
        self.assertEqual(
            announcement.message_ids.partner_ids, self.approved, "all have an email"
        )
        # without the option nothing is sent
        quiet = self._announcement("Quiet")
        self.env["dms.announcement"]._cron_send_emails()
        self.assertFalse(quiet.email_sent_on)
        self.assertFalse(quiet.message_ids.partner_ids)

    @warmup
    def test_audience_query_count(self):
        announcement = self._announcement(
            "Pudong and South",
            audience_type="grid",
            grid_ids=[Command.set((self.grid_pudong | self.grid_south).ids)],
        )
        self.env.invalidate_all()
        with self.assertQueryCount(4):
            audience = announcement._get_audience()
        self.assertEqual(audience, self.approved)
        # more dealers and grids, same number of queries
        for index in range(10):
            self._create_distributor(f"Extra {index}", "approved", zip_code="201203")
        announcement.grid_ids = [Command.link(self.grid_east.id)]
        self.env.invalidate_all()
        with self.assertQueryCount(4):
            audience = announcement._get_audience()
        self.assertEqual(len(audience), 15)

    def test_grid_user_reads_announcements_of_their_dealers(self):
        announcement = self._announcement("For everyone")
        announcement._mark_read(self.dist_b, self.env.user)
        announcement._mark_read(self.dist_south, self.env.user)
        south_manager = self._grid_user("ann_south", self.grid_south)
        as_manager = announcement.with_user(south_manager)
        self.assertEqual(
            self.env["dms.announcement"].with_user(south_manager).search([]),
            announcement,
        )
        self.assertEqual(as_manager.name, "For everyone")
        # figures of their grids only
        self.assertEqual(
            (as_manager.audience_count, as_manager.read_count, as_manager.unread_count),
            (1, 1, 0),
        )
        self.assertEqual(as_manager.read_ids.partner_id, self.dist_south)
        self.assertEqual(as_manager._get_audience(), self.dist_south)
        with self.assertRaises(AccessError):
            as_manager.write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["dms.announcement"].with_user(south_manager).create(
                {"name": "Mine"}
            )
        with self.assertRaises(AccessError):
            as_manager.action_set_archived()
        with self.assertRaises(AccessError):
            as_manager.read_ids.unlink()
        self.assertEqual(announcement.state, "published")

    def test_portal_user_has_no_direct_access(self):
        announcement = self._announcement(
            "B only",
            audience_type="partner",
            partner_ids=[Command.set(self.dist_b.ids)],
        )
        announcement._mark_read(self.dist_b, self.env.user)
        portal_b = new_test_user(
            self.env,
            login="ann_portal_b",
            groups="base.group_portal",
            partner_id=self.dist_b.id,
        )
        with self.assertRaises(AccessError):
            self.env["dms.announcement"].with_user(portal_b).search([])
        with self.assertRaises(AccessError):
            announcement.with_user(portal_b).read(["name"])
        with self.assertRaises(AccessError):
            self.env["dms.announcement.read"].with_user(portal_b).search([])
        with self.assertRaises(AccessError):
            self.env["dms.announcement.read"].with_user(portal_b).create(
                {"announcement_id": announcement.id, "partner_id": self.dist_b.id}
            )


@tagged("post_install", "-at_install")
class TestAnnouncementPortal(DmsAnnouncementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        buyer_b = cls.env["res.partner"].create(
            {"name": "Buyer of Dist B", "parent_id": cls.dist_b.id, "type": "contact"}
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="ann_b",
            password="ann_b_pw",
            groups="base.group_portal",
            partner_id=buyer_b.id,
        )
        new_test_user(
            cls.env,
            login="ann_nobody",
            password="ann_nobody_pw",
            groups="base.group_portal",
        )
        day = timedelta(days=1)
        cls.for_all = cls._announcement(
            "News for everyone", date_start=cls.today - 2 * day
        )
        cls.for_b = cls._announcement(
            "A word for Dist B",
            audience_type="partner",
            partner_ids=[Command.set(cls.dist_b.ids)],
            body="<p>Your <strong>new price list</strong> applies from Monday.</p>",
        )
        cls.for_south = cls._announcement(
            "South region news",
            audience_type="grid",
            grid_ids=[Command.set(cls.grid_south.ids)],
        )
        cls.for_leaders = cls._announcement(
            "Leaders meeting",
            audience_type="tier",
            tier_ids=[Command.set(cls.tier_leader.ids)],
        )
        cls.draft = cls._announcement("Draft notice", publish=False)
        cls.expired = cls._announcement(
            "Expired notice", date_start=cls.today - 9 * day, date_end=cls.today - day
        )
        cls.Read = cls.env["dms.announcement.read"]

    def _unread_counter(self):
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dms_announcement_count"]}
        )
        return counters["dms_announcement_count"]

    def test_list_shows_only_the_dealers_announcements(self):
        self.authenticate("ann_b", "ann_b_pw")
        page = self.url_open("/my/dms/announcements")
        self.assertEqual(page.status_code, 200)
        shown = re.findall(r'data-announcement-id="(\d+)"', page.text)
        # newest first
        self.assertEqual(shown, [str(self.for_b.id), str(self.for_all.id)])
        for hidden in (self.for_south, self.for_leaders, self.draft, self.expired):
            self.assertNotIn(hidden.name, page.text)
        self.assertEqual(page.text.count("o_dms_announcement_unread"), 2)

    def test_opening_marks_read_and_badge_drops(self):
        self.authenticate("ann_b", "ann_b_pw")
        self.assertEqual(self._unread_counter(), 2)
        self.assertIn("/my/dms/announcements", self.url_open("/my").text)
        home = self.url_open("/my/dms")
        self.assertRegex(home.text, r'o_dms_unread_badge"[^>]*>2<')
        detail = self.url_open(f"/my/dms/announcements/{self.for_b.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn("<strong>new price list</strong>", detail.text)
        receipt = self.Read.search([("announcement_id", "=", self.for_b.id)])
        self.assertEqual(receipt.partner_id, self.dist_b, "the dealer, not the contact")
        self.assertEqual(receipt.user_id, self.portal_b)
        self.assertEqual(self._unread_counter(), 1)
        self.assertRegex(self.url_open("/my/dms").text, r'o_dms_unread_badge"[^>]*>1<')
        # opening again changes nothing
        self.url_open(f"/my/dms/announcements/{self.for_b.id}")
        self.assertEqual(
            self.Read.search_count([("announcement_id", "=", self.for_b.id)]), 1
        )
        page = self.url_open("/my/dms/announcements")
        self.assertEqual(page.text.count("o_dms_announcement_unread"), 1)
        self.url_open(f"/my/dms/announcements/{self.for_all.id}")
        self.assertEqual(self._unread_counter(), 0)
        self.assertNotIn("o_dms_unread_badge", self.url_open("/my/dms").text)
        self.for_all.invalidate_recordset()
        self.assertEqual(self.for_all.read_count, 1)

    def test_other_announcements_not_found(self):
        self.authenticate("ann_b", "ann_b_pw")
        for announcement in (
            self.for_south,
            self.for_leaders,
            self.draft,
            self.expired,
        ):
            with self.subTest(announcement=announcement.name):
                response = self.url_open(f"/my/dms/announcements/{announcement.id}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(announcement.name, response.text)
        self.assertEqual(self.url_open("/my/dms/announcements/999999").status_code, 404)
        self.assertFalse(self.Read.search([]), "nothing recorded")
        # the archived one disappears from the portal
        self.for_b.action_set_archived()
        self.assertEqual(
            self.url_open(f"/my/dms/announcements/{self.for_b.id}").status_code, 404
        )

    def test_non_dealer_and_anonymous(self):
        self.authenticate("ann_nobody", "ann_nobody_pw")
        self.assertTrue(self.url_open("/my/dms/announcements").url.endswith("/my"))
        response = self.url_open(f"/my/dms/announcements/{self.for_all.id}")
        self.assertTrue(response.url.endswith("/my"))
        self.assertEqual(self._unread_counter(), 0)
        self.authenticate(None, None)
        for url in (
            "/my/dms/announcements",
            f"/my/dms/announcements/{self.for_all.id}",
        ):
            with self.subTest(url=url):
                self.assertIn("/web/login", self.url_open(url).url)
        self.assertFalse(self.Read.search([]))

    def test_pager(self):
        for index in range(21):
            self._announcement(f"Bulk notice {index:02d}", date_start=self.today)
        self.authenticate("ann_b", "ann_b_pw")
        first = self.url_open("/my/dms/announcements")
        self.assertEqual(len(re.findall(r"data-announcement-id=", first.text)), 20)
        self.assertIn("/my/dms/announcements/page/2", first.text)
        second = self.url_open("/my/dms/announcements/page/2")
        shown = re.findall(r'data-announcement-id="(\d+)"', second.text)
        # 23 in all: the oldest come last
        self.assertEqual(len(shown), 3)
        self.assertEqual(shown[-1], str(self.for_all.id))
