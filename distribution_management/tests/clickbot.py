"""Public test helpers: Odoo's click-everywhere over the Distribution app,
as a channel manager and as a grid manager."""

from odoo import Command
from odoo.tests import new_test_user

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    ".startClickEverywhere('distribution_management.menu_dms_root');"
)


class ClickEverywhereMixin:
    """Mixed into an ``HttpCase`` of an add-on: open every menu, view and
    filter of the Distribution app with the add-on's menus installed; a
    broken view, action or domain fails. The family tested together needs it
    once: an add-on tags its class ``dms_click_alone`` (left out then)."""

    allow_end_on_form = True
    # Odoo's loader only takes a class's own methods otherwise
    allow_inherited_tests_method = True

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
