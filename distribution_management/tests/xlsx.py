"""Public test helpers for the XLSX files of the add-on family: user text
that looks like a formula or a link must be stored as plain text."""

import io

import openpyxl

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "http://example.com/x",
]


class XlsxTextMixin:
    """Assertions on the cells of an XLSX file (mixed into a test case)."""

    def _cells(self, content):
        book = openpyxl.load_workbook(io.BytesIO(content))
        return [cell for sheet in book for row in sheet.iter_rows() for cell in row]

    def _assert_text(self, content, texts):
        """Each of ``texts`` is in a cell of ``content`` as a string, with no
        link."""
        cells = {cell.value: cell for cell in self._cells(content) if cell.value}
        for text in texts:
            with self.subTest(text=text):
                self.assertIn(text, cells)
                self.assertEqual(cells[text].data_type, "s")
                self.assertIsNone(cells[text].hyperlink)
