from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import DmsReportCommon
from .xlsx import XlsxExportMixin


@tagged("post_install", "-at_install")
class TestXlsxExport(XlsxExportMixin, DmsReportCommon):
    """The XLSX export framework with its three kinds, the sales analysis,
    the rankings and the distributors: the rows and figures of the records,
    the user's grids only, bad input refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.list_prices = cls.env["product.pricelist"].create(
            {"name": "Export prices", "currency_id": cls.company.currency_id.id}
        )
        # two orders in the East (Pudong), one in the South, one out of range
        cls.order_b = cls._sale(cls.dist_b, 3, datetime(2025, 3, 10, 9, 0))
        cls.order_c = cls._sale(cls.dist_c, 2, datetime(2025, 3, 20, 9, 0))
        cls.order_south = cls._sale(cls.dist_south, 4, datetime(2025, 3, 15, 9, 0))
        cls.order_old = cls._sale(cls.dist_b, 1, datetime(2024, 12, 5, 9, 0))
        cls.orders = cls.order_b | cls.order_c | cls.order_south | cls.order_old
        cls.grids = cls.grid_east | cls.grid_south
        cls.grid_user = cls._grid_user("dms_export_grid_user", cls.grid_east)
        cls.Wizard = cls.env["dms.export.wizard"]

    @classmethod
    def _sale(cls, dealer, lines, when):
        order = cls.env["sale.order"].create(
            {
                "partner_id": dealer.id,
                "pricelist_id": cls.list_prices.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 2})
                    for product in cls.products[:lines]
                ],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    # ------------------------------------------------------------------
    def test_sales_analysis_rows_and_figures(self):
        self.env.flush_all()
        sheet = self._export(
            kind="sale",
            date_from=date(2025, 3, 1),
            date_to=date(2025, 3, 31),
            grid_ids=[Command.set(self.grids.ids)],
        )
        header, rows = self._table(sheet)
        Report = self.env["dms.sale.report"]
        expected = Report.search(
            [("order_id", "in", (self.orders - self.order_old).ids)]
        )
        self.assertEqual(len(expected), 9)
        self.assertEqual(len(rows), len(expected))
        order_label = self._label("dms.sale.report", "name")
        amount_label = self._label("dms.sale.report", "price_subtotal")
        self.assertEqual(header[0], self._label("dms.sale.report", "date"))
        self.assertIn(order_label, header)
        self.assertIn(amount_label, header)
        self.assertEqual(
            sorted(row[order_label] for row in rows),
            sorted(expected.mapped("name")),
        )
        self._assert_money(
            sum(row[amount_label] for row in rows),
            sum(expected.mapped("price_subtotal")),
        )
        # newest first, like the report; names and labels, not ids
        self.assertEqual(rows[0][order_label], self.order_c.name)
        self.assertEqual(
            rows[0][self._label("dms.sale.report", "distributor_id")], "Dist C"
        )
        self.assertEqual(
            rows[0][self._label("dms.sale.report", "state")], "Sales Order"
        )
        self.assertEqual(
            rows[0][self._label("dms.sale.report", "dms_grid_id")],
            self.grid_pudong.complete_name,
        )
        by_order = {}
        for row in rows:
            by_order.setdefault(row[order_label], 0.0)
            by_order[row[order_label]] += row[amount_label]
        for order in self.orders - self.order_old:
            self._assert_money(by_order[order.name], order.amount_untaxed)
        # frozen header, filters over every row, money and date formats
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, f"A1:U{len(rows) + 1}")
        self.assertEqual(
            sheet.cell(2, header.index(amount_label) + 1).number_format, "#,##0.00"
        )
        self.assertTrue(sheet.cell(2, 1).is_date)
        self.assertTrue(sheet.cell(1, 1).font.bold)

    def test_rankings_rows_and_figures(self):
        self.env.flush_all()
        sheet = self._export(
            kind="ranking",
            date_from=date(2025, 3, 15),
            date_to=date(2025, 4, 30),
            grid_ids=[Command.set(self.grids.ids)],
        )
        header, rows = self._table(sheet)
        Ranking = self.env["dms.distributor.ranking"]
        expected = Ranking.search(
            [
                (
                    "distributor_id",
                    "in",
                    (self.dist_b | self.dist_c | self.dist_south).ids,
                ),
                ("period", ">=", date(2025, 3, 1)),
                ("period", "<=", date(2025, 4, 30)),
            ]
        )
        # March for the three sellers (the month starts on the 1st whatever
        # the day asked), April's drop for them too
        self.assertEqual(len(expected), 6)
        self.assertEqual(len(rows), len(expected))
        month = self._label("dms.distributor.ranking", "period")
        dealer = self._label("dms.distributor.ranking", "distributor_id")
        sales = self._label("dms.distributor.ranking", "amount")
        rank = self._label("dms.distributor.ranking", "rank")
        march = {row[dealer]: row for row in rows if row[month].month == 3}
        self.assertEqual(set(march), {"Dist B", "Dist C", "Dist South"})
        for record in expected.filtered(lambda r: r.period.month == 3):
            row = march[record.distributor_id.name]
            self._assert_money(row[sales], record.amount)
            self._assert_money(
                row[sales],
                self.orders.filtered(
                    lambda o, d=record.distributor_id: (
                        o.partner_id == d and o.date_order.month == 3
                    )
                ).amount_untaxed,
            )
            self.assertEqual(row[rank], record.rank)
        self.assertEqual(rows[0][month], datetime(2025, 4, 1))
        self.assertEqual(sheet.cell(2, 1).number_format, "yyyy-mm")

    def test_grid_manager_exports_only_their_grids(self):
        self.env.flush_all()
        user = self.grid_user
        sales = self._export(user=user, kind="sale")
        header, rows = self._table(sales)
        grids = {row[self._label("dms.sale.report", "dms_grid_id")] for row in rows}
        self.assertEqual(
            grids, {self.grid_pudong.complete_name}, "East orders only (Pudong)"
        )
        Report = self.env["dms.sale.report"].with_user(user)
        self.assertEqual(len(rows), Report.search_count([]))
        self.assertEqual(len(rows), 3 + 2 + 1)

        rankings = self._export(user=user, kind="ranking")
        header, rows = self._table(rankings)
        dealer = self._label("dms.distributor.ranking", "distributor_id")
        self.assertNotIn("Dist South", {row[dealer] for row in rows})
        self.assertTrue(rows)

    def test_list_filter_is_kept(self):
        """Started from a list's Export button, the list's filter applies."""
        self.env.flush_all()
        sheet = self._export(
            context={
                "active_model": "dms.sale.report",
                "active_domain": [("distributor_id", "=", self.dist_south.id)],
                "default_kind": "sale",
            },
        )
        header, rows = self._table(sheet)
        self.assertEqual(len(rows), 4)
        self.assertEqual(
            {row[self._label("dms.sale.report", "distributor_id")] for row in rows},
            {"Dist South"},
        )

    def test_headers_in_the_users_language(self):
        try:
            file_path("distribution_management_report/i18n/zh_CN.po")
        except FileNotFoundError:
            # the catalogs of the add-on family are regenerated after the split
            self.skipTest("no zh_CN catalog shipped yet")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["distribution_management_report"], ["zh_CN"], overwrite=True
        )
        sheet = self._export(context={"lang": "zh_CN"}, kind="sale")
        header = next(sheet.iter_rows(values_only=True))
        self.assertEqual(header[0], "订单日期")
        self.assertEqual(self._label("dms.sale.report", "date"), "Order Date")

    def test_bad_input_writes_nothing(self):
        count = self._export_count()
        with self.assertRaises(UserError):
            self.Wizard._get_export_spec("stock")
        for kind in ("sale", "distributor"):
            wizard = self.Wizard.create(
                {
                    "kind": kind,
                    "date_from": date(2025, 4, 1),
                    "date_to": date(2025, 3, 1),
                }
            )
            with self.assertRaises(UserError):
                wizard.action_export()
        self.assertEqual(self._export_count(), count)

    def test_distributors_rows_and_grids(self):
        """The core's own kind: one row per distributor, the grid filter and
        the grid manager's grids."""
        self.env.flush_all()
        name = self._label("res.partner", "name")
        grid = self._label("res.partner", "dms_grid_id")
        tier = self._label("res.partner", "dms_tier_id")
        header, rows = self._table(self._export(kind="distributor"))
        self.assertEqual(header[0], name)
        by_name = {row[name]: row for row in rows}
        for dealer in self.dist_b | self.dist_c | self.dist_south:
            self.assertEqual(
                by_name[dealer.name][grid], dealer.dms_grid_id.complete_name
            )
            self.assertEqual(
                by_name[dealer.name][tier], dealer.dms_tier_id.name or None
            )
        # customers are not distributors
        self.assertNotIn(self.customer.name, by_name)
        south = {
            row[name]
            for row in self._table(
                self._export(
                    kind="distributor", grid_ids=[Command.set(self.grid_south.ids)]
                )
            )[1]
        }
        self.assertIn(self.dist_south.name, south)
        self.assertFalse({self.dist_b.name, self.dist_c.name} & south)
        mine = {
            row[name]
            for row in self._table(
                self._export(user=self.grid_user, kind="distributor")
            )[1]
        }
        self.assertTrue({self.dist_b.name, self.dist_c.name} <= mine)
        self.assertNotIn(self.dist_south.name, mine)

    def test_kinds_are_registered(self):
        """The analysis and the rankings come first, the distributors last
        (the add-ons' kinds come before them); the sales analysis is the
        default export."""
        kinds = self.Wizard._fields["kind"].get_values(self.env)
        self.assertLess(kinds.index("sale"), kinds.index("distributor"))
        self.assertLess(kinds.index("ranking"), kinds.index("distributor"))
        self.assertEqual(self.Wizard.create({}).kind, "sale")
        specs = self.Wizard._dms_export_specs()
        self.assertEqual(specs["sale"].model, "dms.sale.report")
        self.assertEqual(specs["ranking"].model, "dms.distributor.ranking")
        self.assertIn("distributor", specs)

    def test_files_go_with_their_wizard(self):
        wizard = self.Wizard.create({"kind": "distributor"})
        wizard.action_export()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self.assertTrue(attachment)
        wizard.unlink()
        self.assertFalse(attachment.exists())
