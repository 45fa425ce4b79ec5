"""Every XLSX the add-on writes goes through :func:`new_workbook`.

xlsxwriter's ``write()`` turns a string starting with "=" into a formula, a
string looking like a URL into a hyperlink and, when asked, a numeric string
into a number. Partner, product and program names are user text: an
applicant named ``=HYPERLINK("http://x","y")`` must read as that text in
every file, never run as a formula. These options are forced on every
workbook, so ``write()``, ``write_row()`` and ``write_column()`` store text as
text; :func:`write_cell` writes one value by its Python type.
"""

import datetime

import xlsxwriter

SAFE_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def new_workbook(target, options=None):
    """An ``xlsxwriter.Workbook`` on ``target`` (path or file object) that
    never turns text into formulas, links or numbers."""
    return xlsxwriter.Workbook(target, {**(options or {}), **SAFE_OPTIONS})


def write_cell(sheet, row, col, value, cell_format=None):
    """Write ``value`` by its type: text always as a string cell."""
    if value is None or value is False:
        return sheet.write_blank(row, col, None, cell_format)
    if isinstance(value, bool):
        return sheet.write_boolean(row, col, value, cell_format)
    if isinstance(value, int | float):
        return sheet.write_number(row, col, value, cell_format)
    if isinstance(value, datetime.date):
        return sheet.write_datetime(row, col, value, cell_format)
    return sheet.write_string(row, col, str(value), cell_format)
