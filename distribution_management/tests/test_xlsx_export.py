import io
from datetime import date, datetime

import openpyxl

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_sale import DmsSaleCommon


@tagged("post_install", "-at_install")
class TestXlsxExport(DmsSaleCommon):
    """XLSX exports of the sales analysis, the rankings and the commission
    ledger: the rows and figures of the records, the user's grids only."""

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
        # ledger lines of an invoice: East and South beneficiaries
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": f"Sale {i}", "quantity": 1, "price_unit": 100}
                    )
                    for i in range(4)
                ],
            }
        )
        Line = cls.env["dms.commission.line"]
        cls.lines = Line.create(
            [
                cls._ledger(
                    invoice, 0, cls.dist_a, 12.34, date(2025, 3, 31), "available"
                ),
                cls._ledger(invoice, 1, cls.dist_b, 5.5, date(2025, 3, 2), "earned"),
                cls._ledger(
                    invoice, 2, cls.dist_south, 7.25, date(2025, 3, 5), "pending"
                ),
                cls._ledger(
                    invoice, 3, cls.dist_a, 99.0, date(2025, 4, 1), "available"
                ),
            ]
        )
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

    @classmethod
    def _ledger(cls, invoice, index, beneficiary, amount, day, state):
        return {
            "beneficiary_id": beneficiary.id,
            "distributor_id": beneficiary.id,
            "level": 1,
            "move_id": invoice.id,
            "move_line_id": invoice.invoice_line_ids[index].id,
            "base_amount": 100.0,
            "rate": amount,
            "amount": amount,
            "currency_id": cls.company.currency_id.id,
            "company_id": cls.company.id,
            "date": day,
            "state": state,
            "dms_grid_id": beneficiary.dms_grid_id.id,
        }

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
    def test_commission_ledger_rows_and_figures(self):
        sheet = self._export(
            kind="commission", date_from=date(2025, 3, 1), date_to=date(2025, 3, 31)
        )
        header, rows = self._table(sheet)
        expected = self.lines.filtered(lambda line: line.date.month == 3)
        amount = self._label("dms.commission.line", "amount")
        state = self._label("dms.commission.line", "state")
        beneficiary = self._label("dms.commission.line", "beneficiary_id")
        # the demo ledger is dated around today, out of the period
        ours = rows
        self.assertEqual(len(ours), 3)
        self._assert_money(
            sum(row[amount] for row in ours), sum(expected.mapped("amount"))
        )
        self.assertEqual(
            [(row[beneficiary], row[state], row[amount]) for row in ours],
            [
                ("Dist A", "Available", 12.34),
                ("Dist South", "Pending", 7.25),
                ("Dist B", "Earned", 5.5),
            ],
        )
        self.assertNotIn(99.0, [row[amount] for row in ours])
        self.assertEqual(header[0], self._label("dms.commission.line", "date"))

    def test_grid_manager_exports_only_their_grids(self):
        self.env.flush_all()
        user = self.grid_user
        ledger = self._export(user=user, kind="commission")
        header, rows = self._table(ledger)
        beneficiary = self._label("dms.commission.line", "beneficiary_id")
        self.assertEqual({row[beneficiary] for row in rows}, {"Dist A", "Dist B"})
        self.assertEqual(len(rows), 3)

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
        wizard = self.Wizard.create(
            {"kind": "commission", "domain": "[('nope', '=', 1)]"}
        )
        with self.assertRaises(UserError):
            wizard.action_export()
        wizard = self.Wizard.create(
            {"kind": "commission", "domain": "__import__('os')"}
        )
        with self.assertRaises(UserError):
            wizard.action_export()
        self.assertEqual(
            self.Attachment.search_count([("res_model", "=", "dms.export.wizard")]),
            count,
        )

    def test_files_go_with_their_wizard(self):
        wizard = self.Wizard.create({"kind": "commission"})
        wizard.action_export()
        attachment = self.Attachment.search(
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self.assertTrue(attachment)
        wizard.unlink()
        self.assertFalse(attachment.exists())
