from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.distribution_management.tests.test_sale import DmsSaleCommon
from odoo.addons.distribution_management.tests.xlsx import FORMULAS, XlsxTextMixin
from odoo.addons.distribution_management_report.tests.xlsx import XlsxExportMixin


@tagged("post_install", "-at_install")
class TestXlsxExport(XlsxExportMixin, DmsSaleCommon):
    """XLSX export of the commission ledger: the rows and figures of the
    records, the user's grids only, bad input refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        count = self._export_count()
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
        self.assertEqual(self._export_count(), count)


@tagged("post_install", "-at_install")
class TestXlsxText(XlsxTextMixin, DmsSaleCommon):
    """The ledger export stores user text as text, never as a formula."""

    def test_export_wizard(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "Sale", "quantity": 1, "price_unit": 100})
                ],
            }
        )
        self.dist_b.name = FORMULAS[0]
        self.env["dms.commission.line"].create(
            {
                "beneficiary_id": self.dist_b.id,
                "distributor_id": self.dist_b.id,
                "level": 1,
                "move_id": invoice.id,
                "move_line_id": invoice.invoice_line_ids[0].id,
                "base_amount": 100.0,
                "rate": 1.0,
                "amount": 1.0,
                "currency_id": self.company.currency_id.id,
                "company_id": self.company.id,
                "date": date(2024, 1, 10),
                "state": "available",
            }
        )
        wizard = self.env["dms.export.wizard"].create({"kind": "commission"})
        wizard.action_export()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self._assert_text(attachment.raw, [FORMULAS[0]])
