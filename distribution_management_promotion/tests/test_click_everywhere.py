from odoo.tests import HttpCase, tagged

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    ".startClickEverywhere('distribution_management.menu_dms_root');"
)


# the core's click-everywhere of the whole family covers this one when the
# family is tested together (scripts/test.sh leaves the tag dms_click_alone out)
@tagged("post_install", "-at_install", "dms_click_alone")
class TestPromotionClickEverywhere(HttpCase):
    """Open every menu, view and filter of the Distribution app, Promotions
    included (a channel manager's menu), in the browser."""

    allow_end_on_form = True

    def test_click_everywhere_as_channel_manager(self):
        if "tour_enabled" in self.env["res.users"]._fields:
            self.env.ref("base.user_admin").tour_enabled = False
        self.browser_js(
            "/odoo",
            CLICKBOT,
            "odoo.isReady === true",
            login="admin",
            timeout=600,
            success_signal="clickbot test succeeded",
        )
