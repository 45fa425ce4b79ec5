from odoo.tests import tagged

from odoo.addons.distribution_management.tests.test_click_everywhere import (
    TestClickEverywhere,
)


# the core's click-everywhere of the whole family covers this one when the
# family is tested together (scripts/test.sh leaves the tag dms_click_alone out)
@tagged("post_install", "-at_install", "dms_click_alone")
class TestRebateClickEverywhere(TestClickEverywhere):
    """The core's click-everywhere of the Distribution app, as a channel
    manager and as a grid manager, with the Rebates menus installed: every
    rebate, accrual, statement and reconciliation view, action and filter
    opens."""

    # Odoo's loader only takes a class's own methods otherwise
    allow_inherited_tests_method = True
