"""Hostile input on the rebate add-on: text that looks like a formula in
its XLSX files, direct writes of its workflow states."""

import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsCommon

from .test_statement import DmsStatementCommon

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "http://example.com/x",
]


@tagged("post_install", "-at_install")
class TestXlsxText(DmsStatementCommon):
    """Every XLSX writer stores user text as text, never as a formula."""

    def _cells(self, content):
        book = openpyxl.load_workbook(io.BytesIO(content))
        return [cell for sheet in book for row in sheet.iter_rows() for cell in row]

    def _assert_text(self, content, texts):
        cells = {cell.value: cell for cell in self._cells(content) if cell.value}
        for text in texts:
            with self.subTest(text=text):
                self.assertIn(text, cells)
                self.assertEqual(cells[text].data_type, "s")
                self.assertIsNone(cells[text].hyperlink)

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
class TestStateGuard(DmsCommon):
    """Workflow states are changed by their actions only: a manager's direct
    write or create of a state is refused, the actions keep working."""

    GUARDED = {
        "dms.rebate": ["state"],
        "dms.statement": ["state"],
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="dms_state_manager",
            groups=",".join(
                [
                    "distribution_management.group_dms_manager",
                    "sales_team.group_sale_manager",
                    "account.group_account_manager",
                ]
            ),
        )

    def _record(self, model):
        # the demo data holds one of each
        record = self.env[model].search([], limit=1)
        self.assertTrue(record, f"no {model} to test (demo data installed?)")
        return record

    def _other_value(self, record, fname):
        field = record._fields[fname]
        values = [v for v, _l in field._description_selection(self.env)]
        return next(v for v in values if v != record[fname])

    def test_direct_writes_refused(self):
        for model, fnames in self.GUARDED.items():
            record = self._record(model)
            for fname in fnames:
                value = self._other_value(record, fname)
                with self.subTest(model=model, field=fname, value=value):
                    before = record[fname]
                    as_manager = record.with_user(self.manager)
                    # the ledger is written by no one: the access rights say so
                    writable = as_manager.has_access("write")
                    with self.assertRaisesRegex(
                        UserError,
                        "changes only through" if writable else "not allowed to modify",
                    ):
                        as_manager.write({fname: value})
                    record.invalidate_recordset()
                    self.assertEqual(record[fname], before)
                    if writable:
                        # writing the state it already has changes nothing
                        as_manager.write({fname: before})

    def test_direct_creates_refused(self):
        for model, fnames in self.GUARDED.items():
            Model = self.env[model]
            count = Model.search_count([])
            for fname in fnames:
                initial = Model._dms_initial_states(fname)
                value = next(
                    v
                    for v, _l in Model._fields[fname]._description_selection(self.env)
                    if v not in initial
                )
                with self.subTest(model=model, field=fname, value=value):
                    with self.assertRaises(UserError):  # AccessError is one too
                        Model.with_user(self.manager).create(
                            {"name": "Forged", fname: value}
                        )
                    # nor through a default of the context
                    with self.assertRaises(UserError):  # AccessError is one too
                        Model.with_user(self.manager).with_context(
                            **{f"default_{fname}": value}
                        ).create({"name": "Forged"})
            self.assertEqual(Model.search_count([]), count, model)
