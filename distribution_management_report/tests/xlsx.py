"""Public test helpers for the Excel exports: run the export wizard as a
user would and read the file it downloads."""

import io

import openpyxl


class XlsxExportMixin:
    """Mixed into a test case of an add-on registering an export kind."""

    def _export(self, user=None, context=None, **vals):
        """Export with the wizard's values ``vals``; the sheet of the file
        downloaded."""
        wizard = self.env["dms.export.wizard"]
        if user:
            wizard = wizard.with_user(user)
        if context:
            wizard = wizard.with_context(**context)
        wizard = wizard.create(vals)
        action = wizard.action_export()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self.assertEqual(len(attachment), 1)
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true")
        self.assertTrue(attachment.name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        return book.active

    def _table(self, sheet):
        """The header of ``sheet`` and its rows as dicts by header."""
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]

    def _label(self, model, fname):
        return self.env[model]._fields[fname]._description_string(self.env)

    def _assert_money(self, value, expected):
        self.assertEqual(
            self.env.company.currency_id.compare_amounts(value, expected), 0, value
        )

    def _export_count(self):
        return self.env["ir.attachment"].search_count(
            [("res_model", "=", "dms.export.wizard")]
        )
