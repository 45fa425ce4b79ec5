"""Hostile input and direct writes of the announcement workflow state."""

from urllib.parse import urlencode

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management.tests.state_guard import StateGuardMixin
from odoo.addons.distribution_management.tools.number import MAX_ID

from .test_announcement import DmsAnnouncementCommon

ADDON_MODULE = "odoo.addons.distribution_management_announcement"
HOSTILE = ["1e308", "nan", "-0", "9" * 40, "\x00", "1\x00", "x" * 5000, "=1+1"]
HOSTILE_IDS = [999999999, MAX_ID + 1, 10**20]


@tagged("post_install", "-at_install")
class TestStateGuard(StateGuardMixin, DmsAnnouncementCommon):
    """The state of an announcement changes through its actions only: a
    manager's direct write or create of a state is refused, the actions keep
    working."""

    GUARDED = {"dms.announcement": ["state"]}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.published = cls._announcement("Published news")

    def _record(self, model):
        return self.published

    def test_import_refused(self):
        Announcement = self.env["dms.announcement"].with_user(self.manager)
        result = Announcement.load(["name", "state"], [["Imported", "published"]])
        self.assertFalse(result["ids"])
        self.assertFalse(Announcement.search([("name", "=", "Imported")]))

    def test_copies_start_over(self):
        copy = self.published.with_user(self.manager).copy()
        self.assertEqual(copy.state, "draft")

    def test_actions_still_work_as_manager(self):
        announcement = self.published.with_user(self.manager)
        announcement.action_set_archived()
        self.assertEqual(announcement.state, "archived")
        announcement.action_reset_draft()
        announcement.action_publish()
        self.assertEqual(announcement.state, "published")


@tagged("post_install", "-at_install")
class TestHostileInput(DmsAnnouncementCommon, DmsPortalMixin, HttpCase):
    """Every route of the add-on with hostile values in the URL and the
    query: never a server error, nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="hostile_ann_dealer",
            password="hostile_ann_dealer_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )
        cls.news = cls._announcement("Hostile news")

    def _rules(self):
        rules = []
        for rule in self.env["ir.http"].routing_map().iter_rules():
            method = getattr(rule.endpoint, "func", rule.endpoint)
            controller = getattr(method, "__self__", None)
            name = getattr(rule.endpoint, "__name__", None)
            if controller and any(
                cls.__module__.startswith(ADDON_MODULE) and name in cls.__dict__
                for cls in type(controller).__mro__
            ):
                rules.append(rule)
        self.assertTrue(rules)
        return rules

    def _counts(self):
        self.env.invalidate_all()
        return [
            self.env[model].sudo().search_count([])
            for model in ("dms.announcement", "dms.announcement.read")
        ]

    def test_every_route_with_hostile_values(self):
        before = self._counts()
        self.authenticate("hostile_ann_dealer", "hostile_ann_dealer_pw")
        for rule in self._rules():
            for index, value in enumerate(HOSTILE):
                number = HOSTILE_IDS[index % len(HOSTILE_IDS)]
                url = rule.rule.replace("<int:announcement_id>", str(number))
                url = url.replace("<int:page>", str(number))
                query = urlencode({"page": value[:1000], "search": value[:1000]})
                response = self.url_open(f"{url}?{query}", allow_redirects=False)
                self.assertLess(response.status_code, 500, f"GET {url} {value!r}")
        # ids beyond the database's range: not found, before any query
        for number in HOSTILE_IDS[1:]:
            response = self.url_open(f"/my/dms/announcements/{number}")
            self.assertEqual(response.status_code, 404)
        response = self.url_open("/my/dms/announcements?search=%00")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)
        # the dealer's own announcement still opens
        response = self.url_open(f"/my/dms/announcements/{self.news.id}")
        self.assertEqual(response.status_code, 200)
