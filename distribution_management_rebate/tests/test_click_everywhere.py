from odoo.tests import tagged

from odoo.addons.distribution_management.tests.test_click_everywhere import (
    TestClickEverywhere,
)


@tagged("post_install", "-at_install")
class TestRebateClickEverywhere(TestClickEverywhere):
    """The core's click-everywhere of the Distribution app, as a channel
    manager and as a grid manager, with the Rebates menus installed: every
    rebate, accrual, statement and reconciliation view, action and filter
    opens."""

    # Odoo's loader only takes a class's own methods otherwise
    allow_inherited_tests_method = True
