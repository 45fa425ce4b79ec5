from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    ".startClickEverywhere('distribution_management.menu_dms_root');"
)


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase):
    """Open every menu, view and filter of the Distribution app in the
    browser: a broken view, action or domain fails here."""

    allow_end_on_form = True

    def _click_everywhere(self, login):
        self.browser_js(
            "/odoo",
            CLICKBOT,
            "odoo.isReady === true",
            login=login,
            timeout=600,
            success_signal="clickbot test succeeded",
        )

    def test_click_everywhere_as_channel_manager(self):
        if "tour_enabled" in self.env["res.users"]._fields:
            self.env.ref("base.user_admin").tour_enabled = False
        self._click_everywhere("admin")

    def test_click_everywhere_as_grid_manager(self):
        user = new_test_user(
            self.env,
            login="click_grid_user",
            password="click_grid_user",
            groups="distribution_management.group_dms_user",
        )
        grid = self.env["dms.grid"].create({"name": "Click grid", "level": "region"})
        user.dms_grid_ids = [Command.set(grid.ids)]
        if "tour_enabled" in user._fields:
            user.tour_enabled = False
        self._click_everywhere("click_grid_user")
