from odoo.tests import tagged

from odoo.addons.distribution_management_report.tests.common import (
    DmsAnomalyCommon,
)


@tagged("post_install", "-at_install")
class TestAnomalyPromotion(DmsAnomalyCommon):
    """A grid promotion from a drop of the grid's sales."""

    def test_create_promotion_for_a_drop(self):
        self._detect()
        drop = self._find(self.grid_zhangjiang, self.tea, "drop")
        action = drop.action_create_promotion()
        self.assertEqual(action["res_model"], "loyalty.program")
        program = (
            self.env["loyalty.program"].with_context(**action["context"]).create({})
        )
        self.assertEqual(program.dms_grid_ids, self.grid_zhangjiang)
        self.assertEqual(program.program_type, "promotion")
        self.assertIn("Tea", program.name)
