from odoo.tests import HttpCase, tagged

from odoo.addons.distribution_management.tests.clickbot import ClickEverywhereMixin


# the core's click-everywhere of the whole family covers this one when the
# family is tested together (scripts/test.sh leaves the tag dms_click_alone out)
@tagged("post_install", "-at_install", "dms_click_alone")
class TestClickEverywhere(ClickEverywhereMixin, HttpCase):
    """Open every menu, view and filter of the Distribution app, the stock
    menus included (grid warehouses, alerts, dealer stock, allocations), in
    the browser: a broken view, action or domain fails here."""
