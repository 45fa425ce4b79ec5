import io
from datetime import date, datetime

import openpyxl

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_sale import DmsSaleCommon


@tagged("post_install", "-at_install")
class TestXlsxExport(DmsSaleCommon):
    """The XLSX export framework with the core's kind, the distributors: the
    rows of the records, the user's grids only, bad input refused."""

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
        cls.Attachment = cls.env["ir.attachment"]

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

    def _export(self, user=None, context=None, **vals):
        wizard = self.Wizard
        if user:
            wizard = wizard.with_user(user)
        if context:
            wizard = wizard.with_context(**context)
        wizard = wizard.create(vals)
        action = wizard.action_export()
        attachment = self.Attachment.search(
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self.assertEqual(len(attachment), 1)
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true")
        self.assertTrue(attachment.name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        return book.active

    def _table(self, sheet):
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]

    def _label(self, model, fname):
        return self.env[model]._fields[fname]._description_string(self.env)

    def _assert_money(self, value, expected):
        self.assertEqual(
            self.company.currency_id.compare_amounts(value, expected), 0, value
        )

    # ------------------------------------------------------------------
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

    def test_bad_input_writes_nothing(self):
        count = self.Attachment.search_count([("res_model", "=", "dms.export.wizard")])
        with self.assertRaises(UserError):
            self.Wizard._get_export_spec("stock")
        wizard = self.Wizard.create(
            {
                "kind": "distributor",
                "date_from": date(2025, 4, 1),
                "date_to": date(2025, 3, 1),
            }
        )
        with self.assertRaises(UserError):
            wizard.action_export()
        self.assertEqual(
            self.Attachment.search_count([("res_model", "=", "dms.export.wizard")]),
            count,
        )

    def test_files_go_with_their_wizard(self):
        wizard = self.Wizard.create({"kind": "distributor"})
        wizard.action_export()
        attachment = self.Attachment.search(
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self.assertTrue(attachment)
        wizard.unlink()
        self.assertFalse(attachment.exists())
