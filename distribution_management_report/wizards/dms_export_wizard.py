import ast
import os
import re
import tempfile
from collections import namedtuple
from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.distribution_management.tools.xlsx import new_workbook

# rows fetched from the server-side cursor at a time: the ORM cache is never
# used, so memory stays flat whatever the number of rows
FETCH_SIZE = 2000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ExportSpec = namedtuple(
    "ExportSpec",
    "model date_field date_kind grid_field order columns domain",
    defaults=((),),
)
"""What an export kind writes: the rows of ``model`` (within ``domain``),
filtered on ``date_field`` (``date_kind``: date, datetime or month) and on
``grid_field``, sorted by ``order``, one column per field of ``columns``.

An add-on depending on this one registers a kind by adding it to the
``kind`` selection (``selection_add``) and returning its spec from
``_dms_export_specs``."""

DISTRIBUTOR_SPEC = ExportSpec(
    model="res.partner",
    date_field="dms_approved_on",
    date_kind="datetime",
    grid_field="dms_grid_id",
    order="name, id",
    columns=[
        "name",
        "dms_referral_code",
        "dms_state",
        "dms_tier_id",
        "dms_grid_id",
        "dms_parent_id",
        "dms_level",
        "phone",
        "email",
        "city",
        "dms_contract_start",
        "dms_contract_end",
        "dms_annual_target",
        "dms_approved_on",
        "company_id",
    ],
    domain=(("dms_state", "!=", False),),
)

EXPORTS = {
    "distributor": DISTRIBUTOR_SPEC,
    "sale": ExportSpec(
        model="dms.sale.report",
        date_field="date",
        date_kind="datetime",
        grid_field="dms_grid_id",
        order="date desc, id desc",
        columns=[
            "date",
            "name",
            "state",
            "distributor_id",
            "upline_id",
            "tier_id",
            "dms_grid_id",
            "partner_id",
            "team_id",
            "user_id",
            "product_id",
            "categ_id",
            "product_uom_qty",
            "qty_delivered",
            "qty_invoiced",
            "price_subtotal",
            "amount_delivered",
            "untaxed_amount_invoiced",
            "margin",
            "currency_id",
            "company_id",
        ],
    ),
    "ranking": ExportSpec(
        model="dms.distributor.ranking",
        date_field="period",
        date_kind="month",
        grid_field="dms_grid_id",
        order="period desc, rank, id",
        columns=[
            "period",
            "rank",
            "distributor_id",
            "dms_grid_id",
            "grid_rank",
            "tier_id",
            "tier_rank",
            "upline_id",
            "amount",
            "previous_amount",
            "growth_rate",
            "order_count",
            "new_customer_count",
            "quotation_count",
            "cancelled_count",
            "conversion_rate",
            "currency_id",
            "company_id",
        ],
    ),
}

COLUMN_WIDTHS = {
    "many2one": 28,
    "char": 20,
    "selection": 16,
    "date": 12,
    "datetime": 18,
}


class DmsExportWizard(models.TransientModel):
    """Export the sales analysis, the rankings, the distributors and the
    kinds other add-ons register (the commission ledger...) to an XLSX file,
    as the user sees them (record rules apply).

    Rows are read from a server-side cursor in batches and written by
    xlsxwriter in constant-memory mode, so a 100,000-row export neither fills
    the ORM cache nor holds the sheet in memory.
    """

    _name = "dms.export.wizard"
    _description = "Export to Excel"

    kind = fields.Selection(
        [
            ("sale", "Sales Analysis"),
            ("ranking", "Distributor Rankings"),
            ("distributor", "Distributors"),
        ],
        string="Export",
        required=True,
        default=lambda self: self._fields["kind"].get_values(self.env)[0],
    )
    date_from = fields.Date(
        string="From", help="Leave empty to export from the first record."
    )
    date_to = fields.Date(string="To", help="Leave empty to export up to today.")
    grid_ids = fields.Many2many(
        "dms.grid",
        string="Grids",
        help="Only the rows of these grids and their sub-grids. Leave empty for "
        "every grid you can see.",
    )
    domain = fields.Char(
        string="List Filter",
        help="The filter of the list the export was started from.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        spec = self._dms_export_specs().get(values.get("kind"))
        if (
            "domain" in fields_list
            and spec
            and context.get("active_model") == spec.model
            and isinstance(context.get("active_domain"), list)
        ):
            values["domain"] = repr(context["active_domain"])
        return values

    # ------------------------------------------------------------------
    # Input
    # ------------------------------------------------------------------
    @api.model
    def _dms_export_specs(self):
        """``{kind: ExportSpec}`` of every export kind; add-ons extend it."""
        return dict(EXPORTS)

    @api.model
    def _get_export_spec(self, kind):
        spec = self._dms_export_specs().get(kind)
        if not spec:
            raise UserError(
                _(
                    "Unknown export “%(kind)s”: choose one of the exports the "
                    "form offers.",
                    kind=kind,
                )
            )
        return spec

    def _get_list_domain(self):
        """The filter of the list the wizard was opened from, checked."""
        if not self.domain:
            return []
        try:
            domain = ast.literal_eval(self.domain)
            if not isinstance(domain, list):
                raise ValueError(self.domain)
            domain = expression.normalize_domain(domain)
            expression.expression(
                domain, self.env[self._get_export_spec(self.kind).model]
            )
        except (ValueError, SyntaxError, TypeError, AssertionError) as error:
            raise UserError(
                _(
                    "The filter of the list cannot be read. Open the export again "
                    "from the list."
                )
            ) from error
        return domain

    def _get_export_domain(self):
        """Domain of the rows to export: the list filter, the period and the
        grids. Record rules are applied on top when searching."""
        self.ensure_one()
        spec = self._get_export_spec(self.kind)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UserError(
                _("The start date of the export must be on or before its end date.")
            )
        domain = [list(spec.domain), self._get_list_domain()]
        field = spec.date_field
        if spec.date_kind == "datetime":
            # days of the company's calendar, like every business date
            utc = self.env.company._dms_date_to_utc

            if self.date_from:
                domain.append([(field, ">=", utc(self.date_from))])
            if self.date_to:
                domain.append([(field, "<", utc(self.date_to + timedelta(days=1)))])
        else:
            date_from = self.date_from
            if date_from and spec.date_kind == "month":
                # rankings are dated on the first day of their month
                date_from = date_from.replace(day=1)
            if date_from:
                domain.append([(field, ">=", date_from)])
            if self.date_to:
                domain.append([(field, "<=", self.date_to)])
        if self.grid_ids:
            domain.append([(spec.grid_field, "child_of", self.grid_ids.ids)])
        return expression.AND(domain)

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
    def action_export(self):
        """Write the file, attach it to the wizard and download it."""
        self.ensure_one()
        spec = self._get_export_spec(self.kind)
        domain = self._get_export_domain()
        with tempfile.TemporaryDirectory(prefix="dms_xlsx_") as tmpdir:
            path = os.path.join(tmpdir, "export.xlsx")
            self._write_xlsx(spec, domain, path, tmpdir)
            with open(path, "rb") as xlsx:
                raw = xlsx.read()
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._export_filename(),
                "raw": raw,
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _export_title(self):
        return dict(self._fields["kind"]._description_selection(self.env))[self.kind]

    def _export_filename(self):
        parts = [self._export_title()]
        if self.date_from or self.date_to:
            parts.append(
                f"{self.date_from or ''}~"
                f"{self.date_to or self.env.company._dms_today()}"
            )
        name = " ".join(parts)
        return re.sub(r'[\\/:*?"<>|]+', "-", name) + ".xlsx"

    def _export_query(self, spec, domain):
        """SQL selecting the columns of ``spec`` for the rows of ``domain`` the
        user may read, and the fields of the columns."""
        Model = self.env[spec.model]
        # access rights and record rules of the user apply here
        query = Model._search(domain)
        alias = query.table
        selects = []
        columns = []
        for fname in spec.columns:
            field = Model._fields[fname]
            if field.type == "many2one":
                comodel = self.env[field.comodel_name]
                target = query.left_join(
                    alias, fname, comodel._table, "id", f"xlsx_{fname}"
                )
                label = comodel._rec_name or "id"
                if label not in comodel._fields or not (
                    comodel._fields[label].store or comodel._fields[label].related
                ):
                    label = "id"
                selects.append(comodel._field_to_sql(target, label, query))
            else:
                selects.append(Model._field_to_sql(alias, fname, query))
            columns.append(field)
        query.order = Model._order_to_sql(spec.order, query)
        return query.select(*selects), columns

    def _cell_writers(self, workbook, columns):
        """One function per column writing a value with the right format."""
        currency = self.env.company.currency_id
        money = "#,##0"
        if currency.decimal_places:
            money += "." + "0" * currency.decimal_places
        formats = {
            "money": workbook.add_format({"num_format": money}),
            "integer": workbook.add_format({"num_format": "0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "month": workbook.add_format({"num_format": "yyyy-mm"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

        def number(fmt):
            return lambda sheet, row, col, value: sheet.write_number(
                row, col, value, fmt
            )

        def string(sheet, row, col, value):
            sheet.write_string(row, col, value)

        def date(fmt):
            return lambda sheet, row, col, value: sheet.write_datetime(
                row, col, value, fmt
            )

        def local_datetime(sheet, row, col, value):
            value = pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
            sheet.write_datetime(row, col, value, formats["datetime"])

        def selection(labels):
            return lambda sheet, row, col, value: sheet.write_string(
                row, col, labels.get(value, value)
            )

        float_formats = {}
        writers = []
        for field in columns:
            if field.type == "monetary":
                writers.append(number(formats["money"]))
            elif field.type == "float":
                digits = field.get_digits(self.env)
                scale = digits[1] if digits else 2
                if scale not in float_formats:
                    float_formats[scale] = workbook.add_format(
                        {"num_format": "#,##0." + "0" * scale if scale else "#,##0"}
                    )
                writers.append(number(float_formats[scale]))
            elif field.type == "integer":
                writers.append(number(formats["integer"]))
            elif field.type == "date":
                month = field.name == "period"
                writers.append(date(formats["month" if month else "date"]))
            elif field.type == "datetime":
                writers.append(local_datetime)
            elif field.type == "selection":
                labels = dict(field._description_selection(self.env))
                writers.append(selection(labels))
            elif field.type == "boolean":
                writers.append(
                    lambda sheet, row, col, value: sheet.write_boolean(row, col, value)
                )
            else:
                writers.append(string)
        return writers

    def _write_xlsx(self, spec, domain, path, tmpdir=None):
        """Write the rows of ``domain`` to an XLSX file at ``path``; return the
        number of rows written."""
        select, columns = self._export_query(spec, domain)
        workbook = new_workbook(
            path,
            {
                "constant_memory": True,
                "tmpdir": tmpdir or tempfile.gettempdir(),
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        try:
            sheet = workbook.add_worksheet(self._export_title()[:31])
            header = workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#E9ECEF",
                    "bottom": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            )
            for col, field in enumerate(columns):
                sheet.set_column(col, col, COLUMN_WIDTHS.get(field.type, 14))
            sheet.write_row(
                0, 0, [field._description_string(self.env) for field in columns], header
            )
            sheet.freeze_panes(1, 0)
            writers = self._cell_writers(workbook, columns)
            row = 0
            # a server-side cursor: PostgreSQL hands the rows over in batches
            self.env.flush_all()
            cr = self.env.cr
            # every row is fetched: plan for the whole result, not the first rows
            cr.execute("SHOW cursor_tuple_fraction")
            [tuple_fraction] = cr.fetchone()
            cr.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            cr.execute(SQL("DECLARE dms_xlsx_export NO SCROLL CURSOR FOR %s", select))
            try:
                while True:
                    cr.execute(SQL("FETCH FORWARD %s FROM dms_xlsx_export", FETCH_SIZE))
                    batch = cr.fetchall()
                    if not batch:
                        break
                    for values in batch:
                        row += 1
                        for col, value in enumerate(values):
                            if value is not None:
                                writers[col](sheet, row, col, value)
            finally:
                cr.execute(SQL("CLOSE dms_xlsx_export"))
                cr.execute(
                    SQL(
                        "SELECT set_config('cursor_tuple_fraction', %s, true)",
                        tuple_fraction,
                    )
                )
            sheet.autofilter(0, 0, row, len(columns) - 1)
        finally:
            workbook.close()
        return row

    def unlink(self):
        # the files of vacuumed wizards go with them
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        return super().unlink()
