from odoo.tests import HttpCase, tagged

from odoo.addons.distribution_management.tests.clickbot import ClickEverywhereMixin


# the core's click-everywhere of the whole family covers this one when the
# family is tested together (scripts/test.sh leaves the tag dms_click_alone out)
@tagged("post_install", "-at_install", "dms_click_alone")
class TestRebateClickEverywhere(ClickEverywhereMixin, HttpCase):
    """The core's click-everywhere of the Distribution app, as a channel
    manager and as a grid manager, with the Rebates menus installed: every
    rebate, accrual, statement and reconciliation view, action and filter
    opens."""
