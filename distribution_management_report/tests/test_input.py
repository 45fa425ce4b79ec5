"""Workflow states of the add-on's records change through their actions only
(the core's state guard, as on the core's records)."""

from odoo.tests import tagged

from odoo.addons.distribution_management.tests.common import DmsCommon
from odoo.addons.distribution_management.tests.state_guard import StateGuardMixin


# reads an anomaly of the demo data (tag dms_demo: left out without it)
@tagged("post_install", "-at_install", "dms_demo")
class TestStateGuard(StateGuardMixin, DmsCommon):
    """A manager's direct write or create of an anomaly's state is refused,
    the actions keep working."""

    GUARDED = {
        "dms.anomaly": ["state"],
    }

    def test_actions_still_work_as_manager(self):
        env = self.env(user=self.manager)
        anomaly = env["dms.anomaly"].search([("state", "=", "open")], limit=1)
        if anomaly:
            anomaly.action_done()
            self.assertEqual(anomaly.state, "done")
            anomaly.action_reopen()
            self.assertEqual(anomaly.state, "open")
