"""Hostile input on the rebate add-on: text that looks like a formula in
its XLSX files, direct writes of its workflow states."""

from odoo.tests import tagged

from odoo.addons.distribution_management.tests.common import DmsCommon
from odoo.addons.distribution_management.tests.state_guard import StateGuardMixin
from odoo.addons.distribution_management.tests.xlsx import FORMULAS, XlsxTextMixin

from .test_statement import DmsStatementCommon


@tagged("post_install", "-at_install")
class TestXlsxText(XlsxTextMixin, DmsStatementCommon):
    """Every XLSX writer stores user text as text, never as a formula."""

    def test_statement(self):
        statement = self._statement()
        self.assertTrue(statement.rebate_ids)
        for text in FORMULAS:
            with self.subTest(text=text):
                self.dist_b.name = text
                self.program.name = "=" + text
                self._assert_text(statement._xlsx_content(), [text, "=" + text])

    def test_rebate_reconciliation(self):
        self.dist_b.name = FORMULAS[0]
        self.program.name = FORMULAS[1]
        self.env.flush_all()
        records = self.env["dms.rebate.report"].search(
            [("partner_id", "=", self.dist_b.id)]
        )
        self.assertTrue(records)
        self._assert_text(records._xlsx_content(), FORMULAS[:2])


# reads some records of the demo data (tag dms_demo: left out without it)
@tagged("post_install", "-at_install", "dms_demo")
class TestStateGuard(StateGuardMixin, DmsCommon):
    """Workflow states are changed by their actions only: a manager's direct
    write or create of a state is refused, the actions keep working."""

    GUARDED = {
        "dms.rebate": ["state"],
        "dms.statement": ["state"],
    }
