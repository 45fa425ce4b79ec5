from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import content_disposition, request

from odoo.addons.distribution_management.controllers.portal_dealer import (
    DmsDealerPortal,
)
from odoo.addons.distribution_management.tools.number import format_number, parse_id

STOCK_FORM_PRODUCTS = 80
HISTORY_SIZE = 12
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DmsStockPortal(DmsDealerPortal):
    """The dealer's stock reports (经销商库存上报): report by form or by
    XLSX/CSV file, see the sell-through and the reorder suggestions.

    Reports are searched as the portal user (record rules keep each dealer
    to their own); they are created as superuser only after the dealer
    check, with products looked up by our own domain."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_stock" in counters:
            values["dms_stock"] = 1 if self._dms_dealer() else 0
        return values

    def _stock_values(self, dealer, errors=None, quantities=None):
        Report = request.env["dms.dealer.stock.report"]
        reports = Report.search(
            [("partner_id", "=", dealer.id), ("state", "=", "confirmed")],
            limit=HISTORY_SIZE,
        )
        latest = reports[:1].sudo()
        company = dealer._dms_company()
        products = (
            Report.sudo()
            .env["product.product"]
            .search(
                Report._allowed_products_domain(company),
                limit=STOCK_FORM_PRODUCTS,
                order="default_code, name, id",
            )
        )
        if quantities is None:
            quantities = {
                str(line.product_id.id): format_number(request.env, line.quantity)
                for line in latest.line_ids
            }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_stock",
                "dealer": dealer,
                "latest": latest,
                "low_lines": latest.line_ids.filtered("is_low"),
                "reports": reports.sudo(),
                "products": products,
                "quantities": quantities,
                "errors": errors or [],
                "max_mb": company.dms_application_max_file_mb,
                "min_days": company.dms_dealer_stock_min_days,
                "target_days": company.dms_dealer_stock_target_days,
            }
        )
        return values

    def _render_stock(
        self, dealer, errors=None, quantities=None, status=200, reported=False
    ):
        values = self._stock_values(dealer, errors=errors, quantities=quantities)
        values["reported"] = reported
        return request.render(
            "distribution_management_stock.portal_dealer_stock", values, status=status
        )

    @http.route("/my/dms/stock", type="http", auth="user", website=True)
    def dealer_stock(self, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        return self._render_stock(dealer, reported=bool(kwargs.get("reported")))

    @http.route("/my/dms/stock/<int:report_id>", type="http", auth="user", website=True)
    def dealer_stock_report(self, report_id, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        report = request.env["dms.dealer.stock.report"].search(
            [("id", "=", report_id), ("partner_id", "=", dealer.id)]
        )
        if not report:
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {"page_name": "dms_stock", "dealer": dealer, "report": report.sudo()}
        )
        return request.render(
            "distribution_management_stock.portal_dealer_stock_report", values
        )

    @http.route("/my/dms/stock/template.xlsx", type="http", auth="user", website=True)
    def dealer_stock_template(self, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            raise NotFound()
        content = (
            request.env["dms.dealer.stock.report"]
            .sudo()
            ._template_xlsx(dealer._dms_company())
        )
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(_("stock_template.xlsx"))),
            ],
        )

    @http.route(
        "/my/dms/stock/report",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def dealer_stock_submit(self, **post):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        quantities = {
            key[4:]: value.strip()
            for key, value in post.items()
            if key.startswith("qty_") and isinstance(value, str) and value.strip()
        }
        errors = []
        lines = []
        allowed = (
            request.env["product.product"]
            .sudo()
            .search(
                request.env["dms.dealer.stock.report"]._allowed_products_domain(
                    dealer._dms_company()
                )
                + [("id", "in", [parse_id(k) for k in quantities if parse_id(k)])]
            )
        )
        by_id = {str(product.id): product for product in allowed}
        for key, raw in quantities.items():
            product = by_id.get(key)
            if product is None:
                errors.append(_("Some of the products cannot be reported."))
                continue
            try:
                quantity = request.env["dms.dealer.stock.report"]._parse_quantity(raw)
            except ValidationError as error:
                errors.append(
                    _(
                        "%(product)s: %(error)s",
                        product=product.display_name,
                        error=error.args[0],
                    )
                )
            else:
                lines.append((product, quantity))
        if not errors:
            try:
                request.env["dms.dealer.stock.report"].sudo()._create_report(
                    dealer, lines, source="portal"
                )
            except (UserError, ValidationError) as error:
                errors.append(error.args[0])
        if errors:
            return self._render_stock(
                dealer, errors=sorted(set(errors)), quantities=quantities, status=400
            )
        return request.redirect("/my/dms/stock?reported=1")

    @http.route(
        "/my/dms/stock/upload",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def dealer_stock_upload(self, file=None, **post):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        Report = request.env["dms.dealer.stock.report"].sudo()
        company = dealer._dms_company()
        max_bytes = company.dms_application_max_file_mb * 1024 * 1024
        try:
            if not file or not getattr(file, "filename", None):
                raise UserError(_("Choose the file to upload."))
            # read one byte more than allowed: enough to refuse an oversize file
            content = file.read(max_bytes + 1)
            lines = Report._parse_upload(content, file.filename, company)
            Report._create_report(dealer, lines, source="portal")
        except (UserError, ValidationError) as error:
            return self._render_stock(dealer, errors=[error.args[0]], status=400)
        return request.redirect("/my/dms/stock?reported=1")

    @http.route(
        "/my/dms/stock/reorder",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def dealer_stock_reorder(self, **post):
        """A quotation of the suggested reorder of the latest report."""
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        latest = request.env["dms.dealer.stock.report"].search(
            [("partner_id", "=", dealer.id), ("state", "=", "confirmed")], limit=1
        )
        lines = [
            (line.product_id, line.suggested_qty)
            for line in latest.sudo().line_ids
            if line.is_low and line.suggested_qty > 0 and line.product_id.sale_ok
        ]
        try:
            if not lines:
                raise UserError(_("Nothing to reorder: no product is running low."))
            order = (
                request.env["sale.order"]
                .sudo()
                ._dms_create_quick_order(dealer, request.env.user.partner_id, lines)
            )
        except (UserError, ValidationError) as error:
            return self._render_stock(dealer, errors=[error.args[0]], status=400)
        return request.redirect(order.get_portal_url())
