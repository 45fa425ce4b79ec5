import base64
import csv
import io
from datetime import timedelta

import xlsxwriter
from openpyxl import load_workbook

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsPortalMixin

from .test_stock_alert import DmsStockCommon


def make_csv(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def make_xlsx(rows):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(row_index, column, value)
    workbook.close()
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestDealerStock(DmsStockCommon, DmsPortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["dms.dealer.stock.report"]
        cls.account_manager = new_test_user(
            cls.env,
            login="stock_account_manager",
            groups="sales_team.group_sale_salesman",
        )
        cls.dist_a.user_id = cls.account_manager
        cls.company.write(
            {"dms_dealer_stock_min_days": 7, "dms_dealer_stock_target_days": 14}
        )
        cls.portal_a = new_test_user(
            cls.env,
            login="stock_dealer_a",
            password="stock_dealer_a_pw",
            groups="base.group_portal",
            partner_id=cls.dist_a.id,
        )
        cls.portal_south = new_test_user(
            cls.env,
            login="stock_dealer_south",
            password="stock_dealer_south_pw",
            groups="base.group_portal",
            partner_id=cls.dist_south.id,
        )

    def _report(self, dealer, quantities, days_ago=0):
        return self.Report._create_report(
            dealer,
            list(quantities.items()),
            date=fields.Date.today() - timedelta(days=days_ago),
        )

    def _line(self, report, product):
        return report.line_ids.filtered(lambda line: line.product_id == product)

    def _reports(self, dealer=None):
        return self.Report.search([("partner_id", "=", (dealer or self.dist_a).id)])

    # ------------------------------------------------------------------
    # Sell-through
    # ------------------------------------------------------------------
    def test_sell_through_low_stock_and_history(self):
        first = self._report(self.dist_a, {self.p1: 100, self.p2: 50}, days_ago=10)
        self.assertEqual(first.state, "confirmed")
        self.assertFalse(self._line(first, self.p1).period_days)  # no previous
        # we delivered 30 of p1 to Dist A five days ago (and 2 came back)
        self._set_stock(self.p1, 45, self.wh)
        self._ship(self.p1, 30, self.wh, partner=self.dist_a, days_ago=5)
        self._move(
            self.p1,
            2,
            self.customer_loc,
            self.wh.lot_stock_id,
            partner=self.dist_a,
            days_ago=4,
        )
        # before the first report, and to another dealer: not counted
        self._ship(self.p1, 5, self.wh, partner=self.dist_a, days_ago=12)
        self._ship(self.p1, 10, self.wh, partner=self.dist_south, days_ago=3)
        second = self._report(self.dist_a, {self.p1: 40, self.p2: 45})
        line = self._line(second, self.p1)
        self.assertEqual(line.previous_qty, 100.0)
        self.assertEqual(line.delivered_qty, 28.0)
        self.assertEqual(line.period_days, 10)
        # (100 + 28 - 40) / 10 = 8.8 a day; 40 / 8.8 = 4.5 days < 7
        self.assertAlmostEqual(line.daily_sell_through, 8.8)
        self.assertAlmostEqual(line.cover_days, 40 / 8.8, places=1)
        self.assertTrue(line.is_low)
        # 14 days x 8.8 - 40 = 83.2 -> 84 units
        self.assertEqual(line.suggested_qty, 84.0)
        other_line = self._line(second, self.p2)
        self.assertAlmostEqual(other_line.daily_sell_through, 0.5)
        self.assertFalse(other_line.is_low)
        self.assertEqual(second.low_line_count, 1)
        activity = second.activity_ids
        self.assertEqual(activity.user_id, self.account_manager)
        self.assertIn(self.p1.name, activity.note)
        # a second report the same day replaces the first, history is kept
        third = self._report(self.dist_a, {self.p1: 38})
        self.assertEqual(second.state, "cancel")
        self.assertEqual(third.state, "confirmed")
        self.assertEqual(self._line(third, self.p1).previous_qty, 100.0)
        self.assertEqual(len(self._reports()), 3)

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    def test_template_and_upload_round_trip(self):
        content = self.Report._template_xlsx(self.company)
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0], ["Product Code", "Product Name", "Quantity"])
        codes = [row[0] for row in rows[1:]]
        self.assertIn("TD-1", codes)
        for row in rows[1:]:
            if row[0] == "TD-1":
                row[2] = 12
            elif row[0] == "TD-2":
                row[2] = "0"
        lines = self.Report._parse_upload(make_xlsx(rows), "stock.xlsx", self.company)
        self.assertEqual(
            {(product, qty) for product, qty in lines},
            {(self.p1, 12.0), (self.p2, 0.0)},
        )
        # CSV in GB18030 with Chinese titles, by barcode and by name
        data = "产品编码,产品名称,数量\n690000002,,3\n,Test Drink 1,4.5\n".encode(
            "gb18030"
        )
        lines = self.Report._parse_upload(data, "库存.csv", self.company)
        self.assertEqual(
            {(product, qty) for product, qty in lines}, {(self.p2, 3.0), (self.p1, 4.5)}
        )

    def test_bad_files_import_nothing(self):
        header = ["Product Code", "Product Name", "Quantity"]
        cases = [
            (
                make_csv([["Code", "Stock level"], ["TD-1", 3]]),
                "x.csv",
                "column titles",
            ),
            (make_csv([header, ["TD-1", "", 3], ["NOPE-9", "", 1]]), "x.csv", "Row 3"),
            (make_csv([header, ["TD-1", "", -3]]), "x.csv", "Row 2: the quantity"),
            (make_csv([header, ["TD-1", "", "abc"]]), "x.csv", "Row 2: abc is not"),
            (make_csv([header, ["TD-1", "", "nan"]]), "x.csv", "Row 2: nan is not"),
            (
                make_csv([header, ["TD-1", "", 3], ["", "Test Drink 1", 4]]),
                "x.csv",
                "Row 3: .*Test Drink 1.*row 2",
            ),
            (make_xlsx([header, ["TD-1", None, -1]]), "x.xlsx", "Row 2"),
            (b"PK\x03\x04 broken zip", "x.xlsx", "not a valid XLSX"),
            (b"\xd0\xcf\x11\xe0 old excel", "x.xls", "not an XLSX or CSV"),
            (b"garbage", "x.txt", "not an XLSX or CSV"),
            (b"", "x.csv", "empty"),
            (make_csv([header]), "x.csv", "no quantity"),
        ]
        wizard_model = self.env["dms.dealer.stock.import.wizard"]
        before = self.Report.search_count([])
        for content, filename, message in cases:
            with self.subTest(filename=filename, message=message):
                with self.assertRaisesRegex(UserError, message):
                    self.Report._parse_upload(content, filename, self.company)
                wizard = wizard_model.create(
                    {
                        "partner_id": self.dist_a.id,
                        "file": base64.b64encode(content) if content else False,
                        "filename": filename,
                    }
                )
                with self.assertRaises(UserError):
                    wizard.action_import()
        # every error at once, by row number
        with self.assertRaises(UserError) as caught:
            self.Report._parse_upload(
                make_csv([header, ["TD-1", "", -1], ["X-1", "", 2], ["TD-2", "", "?"]]),
                "x.csv",
                self.company,
            )
        message = caught.exception.args[0]
        for row in ("Row 2", "Row 3", "Row 4"):
            self.assertIn(row, message)
        # too large for the company's limit
        self.company.dms_application_max_file_mb = 1
        big = make_csv([header] + [["TD-1", "x" * 100, 1]] * 12000)
        with self.assertRaisesRegex(UserError, "larger than 1 MB"):
            self.Report._parse_upload(big, "big.csv", self.company)
        self.assertEqual(self.Report.search_count([]), before)

    def test_import_wizard(self):
        wizard = self.env["dms.dealer.stock.import.wizard"].create(
            {
                "partner_id": self.dist_a.id,
                "file": base64.b64encode(
                    make_csv([["Product Code", "Quantity"], ["TD-2", "7"]])
                ),
                "filename": "stock.csv",
            }
        )
        self.assertTrue(wizard.template_file)
        action = wizard.action_import()
        report = self.Report.browse(action["res_id"])
        self.assertEqual(report.source, "import")
        self.assertEqual(report.state, "confirmed")
        self.assertEqual(report.line_ids.mapped("quantity"), [7.0])
        with self.assertRaisesRegex(ValidationError, "negative"):
            report.line_ids.quantity = -1

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access_rules(self):
        own = self._report(self.dist_a, {self.p1: 5})
        south = self._report(self.dist_south, {self.p1: 6})
        # a dealer reads only their own reports
        Report = self.Report.with_user(self.portal_a)
        self.assertEqual(Report.search([]), own)
        with self.assertRaises(AccessError):
            south.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            Report.create({"partner_id": self.dist_a.id})
        with self.assertRaises(AccessError):
            own.with_user(self.portal_a).write({"note": "changed"})
        # grid managers see the reports of their grids' dealers
        east_user = self._grid_user("stock_east_user", self.grid_east)
        visible = self.Report.with_user(east_user).search(
            [("id", "in", (own | south).ids)]
        )
        self.assertEqual(visible, own)
        with self.assertRaises(AccessError):
            south.with_user(east_user).read(["name"])
        with self.assertRaises(AccessError):
            south.line_ids.with_user(east_user).read(["quantity"])
        employee = new_test_user(self.env, login="stock_employee")
        with self.assertRaises(AccessError):
            self.Report.with_user(employee).search([])

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    def _post_file(self, content, filename):
        token = self._csrf("/my/dms/stock")
        return self.url_open(
            "/my/dms/stock/upload",
            data={"csrf_token": token},
            files={"file": (filename, content)},
        )

    def test_portal_upload_and_form(self):
        self.authenticate("stock_dealer_a", "stock_dealer_a_pw")
        page = self.url_open("/my/dms/stock")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_dms_stock_form", page.text)
        template = self.url_open("/my/dms/stock/template.xlsx")
        self.assertEqual(template.status_code, 200)
        self.assertTrue(template.content.startswith(b"PK"))
        header = ["Product Code", "Product Name", "Quantity"]
        before = self.Report.search_count([])
        bad = [
            (make_csv([["Item", "Amount"], ["TD-1", 1]]), "s.csv", "column titles"),
            (make_csv([header, ["TD-1", "", -2], ["ZZ", "", 1]]), "s.csv", "Row 3"),
            (make_csv([header, ["TD-1", "", "ten"]]), "s.csv", "ten is not a number"),
            (b"hello", "s.pdf", "not an XLSX or CSV"),
        ]
        for content, filename, message in bad:
            with self.subTest(message=message):
                response = self._post_file(content, filename)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_dms_stock_errors", response.text)
                self.assertRegex(response.text, message)
        self.company.dms_application_max_file_mb = 1
        response = self._post_file(b"x" * (1024 * 1024 + 10), "s.csv")
        self.assertEqual(response.status_code, 400)
        self.assertIn("larger than 1 MB", response.text)
        self.assertEqual(self.Report.search_count([]), before)
        # a good file
        response = self._post_file(make_csv([header, ["TD-1", "", 9]]), "s.csv")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dms_stock_reported", response.text)
        report = self._reports()
        self.assertEqual(len(report), 1)
        self.assertEqual(report.source, "portal")
        self.assertEqual(report.line_ids.product_id, self.p1)
        # the form: a negative quantity is refused, nothing written
        token = self._csrf("/my/dms/stock")
        response = self.url_open(
            "/my/dms/stock/report",
            data={"csrf_token": token, f"qty_{self.p1.id}": "-1"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot be negative", response.text)
        response = self.url_open(
            "/my/dms/stock/report",
            data={"csrf_token": token, f"qty_{self.p2.id}": "abc"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(self._reports()), 1)
        response = self.url_open(
            "/my/dms/stock/report",
            data={"csrf_token": token, f"qty_{self.p2.id}": "4"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._reports()), 2)  # the first one replaced
        self.assertEqual(
            self._reports()
            .filtered(lambda r: r.state == "confirmed")
            .line_ids.quantity,
            4.0,
        )
        # without the CSRF token nothing happens
        response = self.url_open(
            "/my/dms/stock/report", data={f"qty_{self.p2.id}": "5"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(self._reports()), 2)

    def test_portal_isolation_and_reorder(self):
        own = self._report(self.dist_a, {self.p1: 100}, days_ago=10)
        self._report(self.dist_a, {self.p1: 10})  # 9 a day: low
        south = self._report(self.dist_south, {self.p1: 3})
        self.authenticate("stock_dealer_a", "stock_dealer_a_pw")
        self.assertEqual(self.url_open(f"/my/dms/stock/{own.id}").status_code, 200)
        self.assertEqual(self.url_open(f"/my/dms/stock/{south.id}").status_code, 404)
        page = self.url_open("/my/dms/stock")
        self.assertIn("o_dms_stock_reorder", page.text)
        self.assertNotIn(south.name, page.text)
        token = self._csrf("/my/dms/stock")
        response = self.url_open("/my/dms/stock/reorder", data={"csrf_token": token})
        self.assertEqual(response.status_code, 200)
        order = self.env["sale.order"].search(
            [("partner_id", "=", self.dist_a.id)], order="id desc", limit=1
        )
        # 14 days x 9 - 10 = 116
        self.assertEqual(order.order_line.product_uom_qty, 116.0)
        self.assertEqual(order.order_line.product_id, self.p1)
        # a non-dealer is sent away
        self.authenticate(None, None)
        self.assertNotIn("o_dms_stock_form", self.url_open("/my/dms/stock").text)

    def test_xlsx_portal_upload(self):
        self.authenticate("stock_dealer_south", "stock_dealer_south_pw")
        content = make_xlsx(
            [["Product Code", "Product Name", "Quantity"], ["TD-2", None, 11]]
        )
        response = self._post_file(content, "mine.xlsx")
        self.assertEqual(response.status_code, 200)
        report = self._reports(self.dist_south)
        self.assertEqual(report.line_ids.product_id, self.p2)
        self.assertEqual(report.dms_grid_id, self.dist_south.dms_grid_id)
        self.assertFalse(self._reports(self.dist_a))
