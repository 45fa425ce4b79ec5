import csv
import io
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_round

from odoo.addons.distribution_management.models.dms_state_guard import state_action
from odoo.addons.distribution_management.tools.number import NumberError, parse_number
from odoo.addons.distribution_management.tools.upload import check_xlsx_bounds
from odoo.addons.distribution_management.tools.xlsx import new_workbook, write_cell

from .dms_stock_alert import fmt_qty, quantity_step

_logger = logging.getLogger(__name__)

# a stock report of more rows than this is not a dealer's shelf
MAX_ROWS = 5000
# the columns read of each row: code, name and quantity are among the first
MAX_COLUMNS = 50
# at most this many errors are listed; the rest are counted
MAX_LISTED_ERRORS = 30
# products listed in the downloadable template
TEMPLATE_PRODUCTS = 2000

HEADER_ALIASES = {
    "code": {
        "product code",
        "code",
        "internal reference",
        "reference",
        "default code",
        "barcode",
        "sku",
        "产品编码",
        "商品编码",
        "编码",
        "条码",
    },
    "name": {"product name", "product", "name", "产品名称", "商品名称", "产品", "名称"},
    "quantity": {
        "quantity",
        "qty",
        "on hand",
        "stock",
        "数量",
        "库存",
        "库存数量",
        "现有库存",
    },
}


def _header_key(value):
    return " ".join(str(value or "").replace("*", " ").split()).casefold()


class DmsDealerStockReport(models.Model):
    """A dealer's on-hand quantities (经销商库存上报) on a date.

    Reports are kept as history: a dealer reporting again on the same day
    replaces (cancels) the earlier report of that day. The sell-through of a
    product is estimated from two successive confirmed reports and what we
    delivered to the dealer in between.
    """

    _name = "dms.dealer.stock.report"
    _description = "Dealer Stock Report"
    _inherit = ["mail.thread", "mail.activity.mixin", "dms.state.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        tracking=True,
        domain="[('dms_state', '=', 'approved')]",
    )
    date = fields.Date(
        required=True,
        default=lambda self: self.env.company._dms_today(),
        tracking=True,
        index=True,
        help="Day of the count, in the company's calendar: the deliveries up to "
        "the company's midnight ending this day count as sold through.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("cancel", "Replaced")],
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
    )
    source = fields.Selection(
        [("manual", "Back office"), ("import", "File import"), ("portal", "Portal")],
        required=True,
        default="manual",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    dms_grid_id = fields.Many2one(
        related="partner_id.dms_grid_id", store=True, index=True, string="Grid"
    )
    account_manager_id = fields.Many2one(
        related="partner_id.user_id", string="Account Manager"
    )
    line_ids = fields.One2many(
        "dms.dealer.stock.report.line", "report_id", string="Lines", copy=True
    )
    low_line_count = fields.Integer(
        string="Low Products", compute="_compute_low_line_count"
    )
    note = fields.Text()

    def _compute_low_line_count(self):
        for report in self:
            report.low_line_count = len(report.line_ids.filtered("is_low"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "dms.dealer.stock.report"
                ) or _("New")
        return super().create(vals_list)

    @api.constrains("partner_id")
    def _check_dealer(self):
        for report in self:
            if not report.partner_id.commercial_partner_id.dms_state:
                raise ValidationError(
                    _(
                        "%(partner)s is not a distributor.",
                        partner=report.partner_id.display_name,
                    )
                )

    @state_action
    def action_confirm(self):
        """Confirm draft reports: a confirmed report of the same dealer and
        day is replaced; low products notify the account manager."""
        for report in self:
            if report.state != "draft":
                raise UserError(
                    _("Report %(report)s is not a draft.", report=report.name)
                )
            if not report.line_ids:
                raise UserError(
                    _("Report %(report)s has no product line.", report=report.name)
                )
        replaced = self.search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("date", "in", list(set(self.mapped("date")))),
                ("state", "=", "confirmed"),
            ]
        ).filtered(
            lambda old: any(
                old.partner_id == new.partner_id and old.date == new.date
                for new in self
            )
        )
        replaced.write({"state": "cancel"})
        self.write({"state": "confirmed"})
        self._notify_low_stock()
        return True

    @state_action
    def action_draft(self):
        for report in self:
            if report.state != "cancel":
                raise UserError(
                    _(
                        "Only a replaced report can be set back to draft (%(report)s).",
                        report=report.name,
                    )
                )
        self.write({"state": "draft"})
        return True

    def _notify_low_stock(self):
        """An activity for the dealer's account manager (or else the managers
        of the dealer's grid) listing the products running low."""
        for report in self:
            low = report.line_ids.filtered("is_low")
            if not low:
                continue
            users = report.partner_id.user_id
            grid = report.partner_id.dms_grid_id
            while not users and grid:
                users = grid.manager_ids
                grid = grid.parent_id
            items = Markup().join(
                Markup("<li>%s</li>") % line._low_stock_text()
                for line in low.sorted("cover_days")
            )
            note = Markup("<p>%s</p><ul>%s</ul>") % (
                _("%(dealer)s reported low stock:", dealer=report.partner_id.name),
                items,
            )
            report.message_post(body=note)
            for user in users.filtered(lambda u: not u.share):
                report.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_(
                        "Low dealer stock: %(dealer)s", dealer=report.partner_id.name
                    ),
                    note=note,
                    user_id=user.id,
                )

    # ------------------------------------------------------------------
    # Creation from the portal, a file, the back office
    # ------------------------------------------------------------------
    @api.model
    def _create_report(self, dealer, lines, date=None, source="manual", note=None):
        """A confirmed report of [(product, quantity)] for ``dealer``."""
        if not lines:
            raise UserError(_("Enter the quantity of at least one product."))
        report = self.create(
            {
                "partner_id": dealer.id,
                "company_id": dealer._dms_company().id,
                "date": date or dealer._dms_company()._dms_today(),
                "source": source,
                "note": note,
                "line_ids": [
                    Command.create({"product_id": product.id, "quantity": quantity})
                    for product, quantity in lines
                ],
            }
        )
        report.action_confirm()
        return report

    @api.model
    def _allowed_products_domain(self, company):
        return [
            ("sale_ok", "=", True),
            ("type", "=", "consu"),
            ("company_id", "in", [False, company.id]),
        ]

    @api.model
    def _template_xlsx(self, company):
        """The XLSX template: the column titles, then one row per product
        with its code and name and an empty quantity."""
        products = self.env["product.product"].search(
            self._allowed_products_domain(company),
            order="default_code, name, id",
            limit=TEMPLATE_PRODUCTS,
        )
        buffer = io.BytesIO()
        workbook = new_workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Stock"))
        bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7"})
        headers = [_("Product Code"), _("Product Name"), _("Quantity")]
        for column, title in enumerate(headers):
            write_cell(sheet, 0, column, title, bold)
        sheet.set_column(0, 0, 18)
        sheet.set_column(1, 1, 40)
        sheet.set_column(2, 2, 12)
        for row, product in enumerate(products, start=1):
            write_cell(sheet, row, 0, product.default_code or product.barcode or "")
            write_cell(sheet, row, 1, product.name)
        sheet.freeze_panes(1, 0)
        help_sheet = workbook.add_worksheet(_("Instructions"))
        for row, text in enumerate(self._template_instructions()):
            write_cell(help_sheet, row, 0, text)
        help_sheet.set_column(0, 0, 110)
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _template_instructions(self):
        return [
            _("Write your on-hand quantity of each product in the Quantity column."),
            _(
                "Products are found by Product Code (internal reference, then "
                "barcode); when the code is empty, by the exact Product Name."
            ),
            _(
                "Rows without a quantity are ignored; write 0 for a product you "
                "have run out of."
            ),
            _(
                "Quantities are numbers, zero or more, in the product's unit; "
                "each product appears once."
            ),
            _("Save as .xlsx or .csv (UTF-8 or GB18030) and upload the file."),
        ]

    @api.model
    def _parse_upload(self, content, filename, company):
        """[(product, quantity)] of an uploaded XLSX or CSV file.

        Raises a UserError listing every problem (with the spreadsheet row
        numbers) when anything is wrong: nothing is imported then.
        """
        max_mb = company.dms_application_max_file_mb or 5
        if not content:
            raise UserError(_("The file is empty."))
        if len(content) > max_mb * 1024 * 1024:
            raise UserError(
                _(
                    "The file is larger than %(max)s MB: split it or remove what "
                    "is not stock quantities.",
                    max=max_mb,
                )
            )
        extension = (filename or "").rsplit(".", 1)[-1].lower() if filename else ""
        if extension == "xlsx":
            rows = self._read_xlsx(content)
        elif extension == "csv":
            rows = self._read_csv(content)
        else:
            raise UserError(
                _(
                    "%(file)s is not an XLSX or CSV file: save the template as "
                    ".xlsx or .csv.",
                    file=filename or _("The file"),
                )
            )
        return self._parse_rows(rows, company)

    @api.model
    def _read_xlsx(self, content):
        from openpyxl import load_workbook

        if not content.startswith(b"PK\x03\x04"):
            raise UserError(_("The file is not a valid XLSX workbook."))
        # what the archive unpacks to is bounded before anything parses it
        check_xlsx_bounds(self.env, content)
        try:
            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
            sheet = workbook.worksheets[0]
            rows = []
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                rows.append(list(row))
                if len(rows) > MAX_ROWS + 1:
                    break
            workbook.close()
        except Exception as error:
            # whatever breaks in a damaged workbook (zip, XML, openpyxl's own
            # errors) means one thing to the dealer: the file cannot be read
            _logger.info("Unreadable XLSX upload: %r", error)
            raise UserError(
                _(
                    "The file is not a valid XLSX workbook: it may be truncated "
                    "or damaged."
                )
            ) from None
        return rows

    @api.model
    def _read_csv(self, content):
        if b"\x00" in content:
            raise UserError(_("The file is not a text CSV file."))
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(_("The CSV file must be encoded in UTF-8 or GB18030."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = []
            for row in csv.reader(io.StringIO(text), dialect):
                rows.append(row)
                if len(rows) > MAX_ROWS + 1:
                    break
        except csv.Error:
            raise UserError(_("The file is not a valid CSV file.")) from None
        return rows

    @api.model
    def _parse_rows(self, rows, company):
        """[(product, quantity)] of the rows (the first holds the column
        titles) or a UserError listing every error by row number."""
        columns = self._parse_columns(rows[0] if rows else [])
        if len(rows) > MAX_ROWS + 1:
            raise UserError(_("The file has more than %(max)s rows.", max=MAX_ROWS))
        entries, errors = self._parse_entries(rows, columns)
        lines, match_errors = self._match_entries(entries, company)
        errors += match_errors
        if errors:
            errors.sort(key=lambda error: error[0])
            listed = [message for _row, message in errors[:MAX_LISTED_ERRORS]]
            if len(errors) > MAX_LISTED_ERRORS:
                listed.append(
                    _(
                        "... and %(count)s more errors.",
                        count=len(errors) - MAX_LISTED_ERRORS,
                    )
                )
            raise UserError(_("Nothing was imported:") + "\n" + "\n".join(listed))
        if not lines:
            raise UserError(_("The file has no quantity to import."))
        return lines

    @api.model
    def _parse_columns(self, header_row):
        """{"code"|"name"|"quantity": column index} of the title row, in
        English, Chinese or the user's language."""
        aliases = {key: set(names) for key, names in HEADER_ALIASES.items()}
        aliases["code"].add(_header_key(_("Product Code")))
        aliases["name"].add(_header_key(_("Product Name")))
        aliases["quantity"].add(_header_key(_("Quantity")))
        columns = {}
        for index, value in enumerate(header_row):
            title = _header_key(value)
            for key, names in aliases.items():
                if title in names and key not in columns:
                    columns[key] = index
        if "quantity" not in columns or not ({"code", "name"} & set(columns)):
            found = ", ".join(str(value) for value in header_row if value)
            raise UserError(
                _(
                    "Row 1 must hold the column titles %(columns)s, as in the "
                    "template; found: %(found)s.",
                    columns=", ".join(
                        (_("Product Code"), _("Product Name"), _("Quantity"))
                    ),
                    found=found or _("nothing"),
                )
            )
        return columns

    @api.model
    def _parse_entries(self, rows, columns):
        """([(row number, code, name, quantity)], [(row number, error)])."""

        def cell(row, key):
            index = columns.get(key)
            if index is None or index >= len(row) or row[index] is None:
                return ""
            value = row[index]
            if isinstance(value, float) and value.is_integer() and key == "code":
                value = int(value)
            return str(value).strip()

        errors = []
        entries = []
        for number, row in enumerate(rows[1:], start=2):
            code, name = cell(row, "code"), cell(row, "name")
            raw = row[columns["quantity"]] if columns["quantity"] < len(row) else None
            if isinstance(raw, str):
                raw = raw.strip()
            if raw in (None, ""):
                continue  # a product without a quantity is not reported
            if not code and not name:
                error = _("Row %(row)s: a quantity without a product.", row=number)
            else:
                try:
                    quantity = self._parse_quantity(raw)
                except NumberError as invalid:
                    error = (
                        _("Row %(row)s: the quantity cannot be negative.", row=number)
                        if invalid.reason == "negative"
                        else _(
                            "Row %(row)s: %(error)s", row=number, error=invalid.args[0]
                        )
                    )
                else:
                    entries.append((number, code, name, quantity))
                    continue
            errors.append((number, error))
        return entries, errors

    @api.model
    def _match_entries(self, entries, company):
        """([(product, quantity)], [(row number, error)]) of the entries:
        unknown, ambiguous and repeated products are errors."""
        products = self._find_products(
            {code for _n, code, _name, _q in entries if code},
            {name for _n, code, name, _q in entries if name and not code},
            company,
        )
        lines, errors, seen = [], [], {}
        for number, code, name, quantity in entries:
            product = products.get(("code", code) if code else ("name", name))
            if product is None:
                error = _(
                    "Row %(row)s: no product with the code or name %(key)s.",
                    row=number,
                    key=code or name,
                )
            elif product is False:
                error = _(
                    "Row %(row)s: several products are named %(name)s; use the "
                    "product code.",
                    row=number,
                    name=name,
                )
            elif product.id in seen:
                error = _(
                    "Row %(row)s: %(product)s already appears on row %(first)s.",
                    row=number,
                    product=product.display_name,
                    first=seen[product.id],
                )
            else:
                seen[product.id] = number
                rounding = product.uom_id.rounding
                lines.append(
                    (product, float_round(quantity, precision_rounding=rounding))
                )
                continue
            errors.append((number, error))
        return lines, errors

    @api.model
    def _parse_quantity(self, raw):
        """The float of a cell (a number, or text in the user's language);
        raises a ValidationError saying what is wrong."""
        return parse_number(
            self.env,
            raw,
            digits=self.env["decimal.precision"].precision_get(
                "Product Unit of Measure"
            ),
        )

    @api.model
    def _find_products(self, codes, names, company):
        """{("code", code) | ("name", name): product, or False when a name
        is ambiguous}; codes match the internal reference, then the barcode;
        names match exactly."""
        Product = self.env["product.product"]
        domain = self._allowed_products_domain(company)
        result = {}
        if codes:
            by_code = Product.search(domain + [("default_code", "in", list(codes))])
            for product in by_code:
                result.setdefault(("code", product.default_code), product)
            missing = [code for code in codes if ("code", code) not in result]
            if missing:
                for product in Product.search(domain + [("barcode", "in", missing)]):
                    result.setdefault(("code", product.barcode), product)
        if names:
            for product in Product.search(domain + [("name", "in", list(names))]):
                key = ("name", product.name)
                result[key] = False if key in result else product
        return result


class DmsDealerStockReportLine(models.Model):
    _name = "dms.dealer.stock.report.line"
    _description = "Dealer Stock Report Line"
    _order = "report_id, product_id"

    report_id = fields.Many2one(
        "dms.dealer.stock.report",
        required=True,
        ondelete="cascade",
        index=True,
    )
    partner_id = fields.Many2one(
        related="report_id.partner_id", store=True, index=True, string="Dealer"
    )
    date = fields.Date(related="report_id.date", store=True)
    state = fields.Selection(related="report_id.state", store=True)
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float(
        string="On Hand", digits="Product Unit of Measure", required=True
    )
    previous_qty = fields.Float(
        string="Previous On Hand",
        digits="Product Unit of Measure",
        compute="_compute_sell_through",
    )
    delivered_qty = fields.Float(
        string="Delivered Since",
        digits="Product Unit of Measure",
        compute="_compute_sell_through",
        help="What we delivered to the dealer (net of returns) after the day of "
        "the previous report up to the day of this one.",
    )
    period_days = fields.Integer(string="Days", compute="_compute_sell_through")
    daily_sell_through = fields.Float(
        string="Sell-through per Day",
        digits="Product Unit of Measure",
        compute="_compute_sell_through",
        help="(Previous on hand + delivered since - on hand) / days between the two "
        "reports; a product missing from the previous report counts as 0 there. "
        "Empty without a previous report.",
    )
    cover_days = fields.Float(
        string="Days of Cover", digits=(16, 1), compute="_compute_sell_through"
    )
    is_low = fields.Boolean(string="Low", compute="_compute_sell_through")
    suggested_qty = fields.Float(
        string="Suggested Reorder",
        digits="Product Unit of Measure",
        compute="_compute_sell_through",
        help="Target days of dealer cover (company setting) x sell-through per day "
        "- on hand, rounded up; shown when the cover is below the minimum days.",
    )

    _sql_constraints = [
        (
            "report_product_uniq",
            "unique(report_id, product_id)",
            "A product appears once per stock report.",
        ),
    ]

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if float_compare(line.quantity, 0.0, precision_digits=6) < 0:
                raise ValidationError(
                    _(
                        "The quantity of %(product)s cannot be negative.",
                        product=line.product_id.display_name,
                    )
                )

    @api.depends("quantity", "report_id.date", "report_id.partner_id")
    def _compute_sell_through(self):
        """Previous report, deliveries and sell-through of all lines in two
        queries (plus the previous lines' read)."""
        lines = self.filtered(lambda line: line.id and line.report_id.id)
        previous = self._previous_reports(lines.report_id)
        previous_qty = {}
        prev_reports = self.env["dms.dealer.stock.report"].browse(
            set(previous.values())
        )
        for line in prev_reports.line_ids:
            previous_qty[(line.report_id.id, line.product_id.id)] = line.quantity
        delivered = self._delivered_between(
            [
                (report, prev_reports.browse(previous[report.id]))
                for report in lines.report_id
                if report.id in previous
            ]
        )
        for line in self:
            report = line.report_id
            company = report.company_id or self.env.company
            vals = {
                "previous_qty": 0.0,
                "delivered_qty": 0.0,
                "period_days": 0,
                "daily_sell_through": 0.0,
                "cover_days": 0.0,
                "is_low": False,
                "suggested_qty": 0.0,
            }
            prev_id = previous.get(report.id) if line in lines else None
            if prev_id:
                prev = prev_reports.browse(prev_id)
                days = max((report.date - prev.date).days, 1)
                before = previous_qty.get((prev_id, line.product_id.id), 0.0)
                received = delivered.get((report.id, line.product_id.id), 0.0)
                daily = max((before + received - line.quantity) / days, 0.0)
                vals.update(
                    previous_qty=before,
                    delivered_qty=received,
                    period_days=days,
                    daily_sell_through=daily,
                )
                if daily > 0:
                    vals["cover_days"] = line.quantity / daily
                    if vals["cover_days"] < company.dms_dealer_stock_min_days:
                        rounding = quantity_step(line.product_id.uom_id)
                        vals["is_low"] = True
                        vals["suggested_qty"] = max(
                            float_round(
                                float_round(
                                    company.dms_dealer_stock_target_days * daily
                                    - line.quantity,
                                    precision_digits=6,
                                ),
                                precision_rounding=rounding,
                                rounding_method="UP",
                            ),
                            0.0,
                        )
            line.update(vals)

    @api.model
    def _previous_reports(self, reports):
        """{report id: id of the dealer's latest confirmed report of an
        earlier day}."""
        if not reports:
            return {}
        Report = self.env["dms.dealer.stock.report"]
        Report.flush_model(["partner_id", "date", "state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (cur.id) cur.id, prev.id
                  FROM dms_dealer_stock_report cur
                  JOIN dms_dealer_stock_report prev
                    ON prev.partner_id = cur.partner_id
                   AND prev.state = 'confirmed'
                   AND prev.date < cur.date
                 WHERE cur.id = ANY(%s)
              ORDER BY cur.id, prev.date DESC, prev.id DESC
                """,
                list(reports.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _delivered_between(self, report_pairs):
        """{(report id, product id): quantity delivered to the report's
        dealer (net of customer returns) after the previous report's day up
        to the report's day}, for [(report, previous report)]."""
        if not report_pairs:
            return {}
        self.env["stock.move.line"].flush_model(
            [
                "move_id",
                "product_id",
                "location_id",
                "location_dest_id",
                "quantity_product_uom",
                "state",
                "date",
            ]
        )
        self.env["stock.move"].flush_model(["picking_id"])
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["stock.location"].flush_model(["usage"])
        report_ids, partner_ids, starts, ends = [], [], [], []
        for report, previous in report_pairs:
            report_ids.append(report.id)
            partner_ids.append(report.partner_id.commercial_partner_id.id)
            # report days are days of the company's calendar: their bounds in
            # UTC, like the move lines' datetimes
            company = report.company_id or self.env.company
            starts.append(company._dms_date_to_utc(previous.date + timedelta(days=1)))
            ends.append(company._dms_date_to_utc(report.date + timedelta(days=1)))
        self.env.cr.execute(
            SQL(
                """
                SELECT k.report_id, ml.product_id,
                       SUM(CASE WHEN dst.usage = 'customer'
                                THEN ml.quantity_product_uom
                                ELSE -ml.quantity_product_uom END)
                  FROM unnest(%(reports)s::int[], %(partners)s::int[],
                              %(starts)s::timestamp[], %(ends)s::timestamp[])
                       AS k(report_id, partner_id, date_from, date_to)
                  JOIN stock_move_line ml
                    ON ml.state = 'done'
                   AND ml.date >= k.date_from AND ml.date < k.date_to
                  JOIN stock_move move ON move.id = ml.move_id
                  JOIN stock_picking picking ON picking.id = move.picking_id
                  JOIN res_partner partner ON partner.id = picking.partner_id
                  JOIN stock_location src ON src.id = ml.location_id
                  JOIN stock_location dst ON dst.id = ml.location_dest_id
                 WHERE partner.commercial_partner_id = k.partner_id
                   AND ((src.usage = 'internal' AND dst.usage = 'customer')
                        OR (src.usage = 'customer' AND dst.usage = 'internal'))
              GROUP BY k.report_id, ml.product_id
                """,
                reports=report_ids,
                partners=partner_ids,
                starts=starts,
                ends=ends,
            )
        )
        return {
            (report_id, product_id): quantity
            for report_id, product_id, quantity in self.env.cr.fetchall()
        }

    def _low_stock_text(self):
        self.ensure_one()
        return _(
            "%(product)s: %(qty)s on hand, %(daily)s sold per day, %(cover)s days "
            "of cover; suggested reorder %(suggested)s %(uom)s",
            product=self.product_id.display_name,
            qty=fmt_qty(self.quantity),
            daily=fmt_qty(self.daily_sell_through),
            cover=round(self.cover_days, 1),
            suggested=fmt_qty(self.suggested_qty),
            uom=self.uom_id.name,
        )
