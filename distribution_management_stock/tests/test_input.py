"""Hostile and foreign input on the stock pages and files: text that looks
like a formula, files that unpack to too much, numbers in the user's
language, direct writes of workflow states."""

import base64
import csv
import io
import time
import zipfile

import xlsxwriter

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsCommon, DmsPortalMixin
from odoo.addons.distribution_management.tests.state_guard import StateGuardMixin
from odoo.addons.distribution_management.tests.test_sale import DmsSaleCommon
from odoo.addons.distribution_management.tests.xlsx import FORMULAS, XlsxTextMixin
from odoo.addons.distribution_management.tools.upload import MAX_UNPACKED_BYTES


def xlsx_file(rows):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            sheet.write(row_index, column, value)
    workbook.close()
    return buffer.getvalue()


def zip_bomb(unpacked):
    """An .xlsx-named zip whose one member unpacks to ``unpacked`` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b" " * (1024 * 1024)
            for _i in range(unpacked // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def zipfile_of(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestXlsxText(XlsxTextMixin, DmsCommon):
    """The dealer stock template stores user text as text, never as a formula."""

    def test_dealer_stock_template(self):
        self.env["product.product"].create(
            [
                {"name": text, "default_code": "-" + text, "type": "consu"}
                for text in FORMULAS
            ]
        )
        content = self.env["dms.dealer.stock.report"]._template_xlsx(self.company)
        self._assert_text(content, FORMULAS + ["-" + text for text in FORMULAS])


@tagged("post_install", "-at_install")
class TestUploadBounds(DmsSaleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["dms.dealer.stock.report"]
        cls.juice.write({"default_code": "JUICE-1", "type": "consu"})
        cls.manager = new_test_user(
            cls.env,
            login="dms_upload_manager",
            groups="distribution_management.group_dms_manager,stock.group_stock_user",
        )

    def _import(self, content, filename, user=None):
        wizard = (
            self.env["dms.dealer.stock.import.wizard"]
            .with_user(user or self.manager)
            .create(
                {
                    "partner_id": self.dist_b.id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )
        return wizard.action_import()

    def test_zip_bomb_refused_fast(self):
        bomb = zip_bomb(MAX_UNPACKED_BYTES + 2 * 1024 * 1024)
        self.assertLess(len(bomb), 200 * 1024)
        start = time.monotonic()
        with self.assertRaisesRegex(UserError, "unpacks to more than"):
            self.Report._parse_upload(bomb, "stock.xlsx", self.company)
        with self.assertRaisesRegex(UserError, "unpacks to more than"):
            self._import(bomb, "stock.xlsx")
        self.assertLess(time.monotonic() - start, 1.0)
        self.assertFalse(self.Report.search([("partner_id", "=", self.dist_b.id)]))

    def test_too_many_rows_refused_fast(self):
        rows = [["Product Code", "Quantity"]] + [["JUICE-1", 1]] * 20000
        start = time.monotonic()
        with self.assertRaisesRegex(UserError, "more than 5000 rows"):
            self.Report._parse_upload(xlsx_file(rows), "s.xlsx", self.company)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        with self.assertRaisesRegex(UserError, "more than 5000 rows"):
            self._import(buffer.getvalue().encode(), "s.csv")
        self.assertLess(time.monotonic() - start, 5.0)

    def test_broken_files(self):
        good = xlsx_file([["Product Code", "Quantity"], ["JUICE-1", 4]])
        broken = {
            "truncated": good[: len(good) // 2],
            "cut at the end": good[:-10],
            "zip of no workbook": zip_bomb(0),
            "garbage after the header": b"PK\x03\x04" + b"\x00garbage" * 100,
            "a zip of garbage": zipfile_of({"xl/workbook.xml": b"<not xml"}),
        }
        for name, content in broken.items():
            with self.subTest(name=name):
                with self.assertRaisesRegex(UserError, "not a valid XLSX"):
                    self.Report._parse_upload(content, "s.xlsx", self.company)
                with self.assertRaisesRegex(UserError, "not a valid XLSX"):
                    self._import(content, "s.xlsx")
        # the good file imports, as the manager (the report is confirmed by
        # its action: the state guard lets it through)
        self._import(good, "s.xlsx")
        report = self.Report.search([("partner_id", "=", self.dist_b.id)])
        self.assertEqual(report.state, "confirmed")
        self.assertEqual(report.line_ids.quantity, 4)

    def test_quantities_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        rows = [["Product Code", "Quantity"], ["JUICE-1", "1 234,5"]]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(rows)
        content = buffer.getvalue().encode()
        Report = self.Report.with_context(lang="fr_FR")
        [(product, quantity)] = Report._parse_upload(content, "s.csv", self.company)
        self.assertEqual((product, quantity), (self.juice, 1234.5))
        with self.assertRaisesRegex(UserError, "Row 2"):
            self.Report.with_context(lang="en_US")._parse_upload(
                content, "s.csv", self.company
            )
        for bad in ("1e308", "nan", "inf", "-0", "9" * 30):
            with self.subTest(bad=bad), self.assertRaisesRegex(UserError, "Row 2"):
                self.Report._parse_upload(
                    xlsx_file([["Product Code", "Quantity"], ["JUICE-1", bad]]),
                    "s.xlsx",
                    self.company,
                )


# reads some records of the demo data (tag dms_demo: left out without it)
@tagged("post_install", "-at_install", "dms_demo")
class TestStateGuard(StateGuardMixin, DmsSaleCommon):
    """Workflow states of the stock documents are changed by their actions
    only: a manager's direct write or create of a state is refused, the
    actions keep working."""

    GUARDED = {
        "dms.allocation": ["state"],
        "dms.dealer.stock.report": ["state"],
        "dms.stock.alert": ["state"],
    }

    MANAGER_GROUPS = ("stock.group_stock_manager",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_report = cls.env["dms.dealer.stock.report"].create(
            {
                "partner_id": cls.dist_b.id,
                "company_id": cls.company.id,
                "line_ids": [
                    Command.create({"product_id": cls.juice.id, "quantity": 3})
                ],
            }
        )

    def _record(self, model):
        if model == "dms.dealer.stock.report":
            return self.stock_report
        # the demo data holds one of each of the others
        record = self.env[model].search([], limit=1)
        self.assertTrue(record, f"no {model} to test (demo data installed?)")
        return record

    def test_actions_still_work_as_manager(self):
        report = self.stock_report.with_user(self.manager)
        report.action_confirm()
        self.assertEqual(report.state, "confirmed")


@tagged("post_install", "-at_install")
class TestHostileInput(DmsSaleCommon, DmsPortalMixin, HttpCase):
    """The dealer's stock pages with hostile quantities and files: a 400,
    nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dealer_user = new_test_user(
            cls.env,
            login="hostile_dealer",
            password="hostile_dealer_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )

    def _counts(self):
        models = [
            name
            for name, model in self.env.registry.items()
            if name.startswith("dms.") and not model._abstract and not model._transient
        ]
        self.env.invalidate_all()
        return {name: self.env[name].sudo().search_count([]) for name in models}

    def test_amounts_and_quantities(self):
        self.authenticate("hostile_dealer", "hostile_dealer_pw")
        csrf = self._csrf("/my/dms")
        before = self._counts()
        juice = self.juice.id
        for value in ("1e308", "nan", "inf", "-0", "9" * 400, "1,5", "-1", "0x10"):
            with self.subTest(value=value):
                response = self.url_open(
                    "/my/dms/stock/report",
                    data={f"qty_{juice}": value, "csrf_token": csrf},
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 400, value)
        upload = self.url_open(
            "/my/dms/stock/upload",
            data={"csrf_token": csrf},
            files={"file": ("s.xlsx", b"PK\x03\x04broken", "application/zip")},
        )
        self.assertEqual(upload.status_code, 400)
        self.assertIn("not a valid XLSX", upload.text)
        bomb = zip_bomb(MAX_UNPACKED_BYTES + 2**20)
        start = time.monotonic()
        upload = self.url_open(
            "/my/dms/stock/upload",
            data={"csrf_token": csrf},
            files={"file": ("s.xlsx", bomb, "application/zip")},
        )
        self.assertLess(time.monotonic() - start, 1.0)
        self.assertEqual(upload.status_code, 400)
        self.assertIn("unpacks to more than", upload.text)
        self.assertEqual(self._counts(), before)
