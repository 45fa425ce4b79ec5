import io

import qrcode
from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.sale_order import SESSION_REFERRAL_KEY, SESSION_REFERRAL_UID_KEY
from ..tools.number import NumberError, parse_id, parse_number
from .application import PUBLIC_PAGE

# a quick-order line above this quantity is a typing mistake, not an order
MAX_LINE_QUANTITY = 100000
QUICK_ORDER_PAGE_SIZE = 80


def quantity_error(error, raw):
    """The message of a typed quantity refused by ``parse_number``."""
    if error.reason == "negative":
        return _("Quantities cannot be negative.")
    if error.reason == "invalid":
        return _(
            "%(value)s is not a quantity: write quantities like %(example)s.",
            value="".join(c for c in raw[:20] if c.isprintable()),
            example=error.example,
        )
    return error.args[0]


class DmsDealerPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Referral link
    # ------------------------------------------------------------------
    @http.route("/dms/r/<string:code>", methods=["GET", "POST"], **PUBLIC_PAGE)
    def referral_link(self, code, **post):
        """The dealer's landing page: remember the referral for this visit,
        then let the customer shop or leave a contact (POST)."""
        code = (code or "").strip().upper()
        dealers = request.env["res.partner"]._dms_distributors_by_code([code])
        if len(code) > 20 or code not in dealers:
            raise NotFound()
        dealer = dealers[code].sudo()
        request.session[SESSION_REFERRAL_KEY] = code
        # only this visitor's orders are credited (see _dms_session_referral_code)
        request.session[SESSION_REFERRAL_UID_KEY] = request.session.uid
        values = {"dealer": dealer, "code": code, "post": post, "error": None}
        # website_sale's model: the shop is there to send the customer to
        values["shop"] = "product.public.category" in request.env
        sent = request.session.get("dms_referral_contacts", 0)
        if request.httprequest.method == "POST":
            try:  # a visit leaves three contacts at most: no flood of leads
                if sent >= 3:
                    raise UserError(_("Your contact was already sent: we will call."))
                dealer._dms_referral_contact(post)
                values["done"] = request.session["dms_referral_contacts"] = sent + 1
            except UserError as error:
                values["error"] = error.args[0]
        template = "distribution_management.referral_landing"
        return request.render(template, values, status=400 if values["error"] else 200)

    # ------------------------------------------------------------------
    # Dealer area
    # ------------------------------------------------------------------
    def _dms_dealer(self):
        """The approved distributor behind the portal user, or None."""
        partner = request.env.user.partner_id.commercial_partner_id.sudo()
        if request.env.user._is_public() or partner.dms_state != "approved":
            return None
        return partner

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_dealer" in counters:
            values["dms_dealer"] = 1 if self._dms_dealer() else 0
        return values

    @http.route("/my/dms", type="http", auth="user", website=True)
    def dealer_home(self, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(self._dms_dealer_home_values(dealer))
        return request.render("distribution_management.portal_dealer_home", values)

    def _dms_dealer_home_values(self, dealer):
        """Values of the Dealer Center; each add-on adds the figures of its tile."""
        company = dealer._dms_company()
        today = company._dms_today()
        purchases = request.env["res.partner"]._dms_net_invoiced_sales(
            dealer, today.replace(day=1), today, company
        )[dealer.id][0]
        # open: quotations, and confirmed orders not fully invoiced
        open_orders = request.env["sale.order"].sudo().search_count([
            ("partner_id", "child_of", dealer.id),
            "|", ("state", "in", ("draft", "sent")),
            "&", ("state", "=", "sale"), ("invoice_status", "!=", "invoiced"),
        ])  # fmt: skip
        return {
            "page_name": "dms_home",
            "dealer": dealer,
            "currency": company.currency_id,
            "month_purchases": purchases,
            "open_order_count": open_orders,
            "referral_link": self._referral_link(dealer),
        }

    def _referral_link(self, dealer):
        return f"{dealer.get_base_url()}/dms/r/{dealer.dms_referral_code}"

    @http.route("/my/dms/qr.png", type="http", auth="user", website=True)
    def dealer_qr(self, **kwargs):
        """QR code of the dealer's referral link, as a PNG image."""
        dealer = self._dms_dealer()
        if not dealer or not dealer.dms_referral_code:
            raise NotFound()
        image = qrcode.make(self._referral_link(dealer), box_size=8, border=2)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        headers = [
            ("Content-Type", "image/png"),
            ("Cache-Control", "private, max-age=3600"),
        ]
        if kwargs.get("download"):  # the "Save" link: a file, not a page
            headers.append(
                ("Content-Disposition", "attachment; filename=referral-qr.png")
            )
        return request.make_response(buffer.getvalue(), headers=headers)

    # ------------------------------------------------------------------
    # Quick order (订货)
    # ------------------------------------------------------------------
    def _quick_order_domain(self, dealer):
        companies = ("company_id", "in", [False, dealer._dms_company().id])
        return [("sale_ok", "=", True), ("type", "!=", "combo"), companies]

    def _quick_order_products(self, dealer, search=None):
        domain = self._quick_order_domain(dealer)
        if search:
            domain += [
                "|",
                ("name", "ilike", search),
                ("default_code", "ilike", search),
            ]
        return (
            request.env["product.product"]
            .sudo()
            .search(domain, limit=QUICK_ORDER_PAGE_SIZE, order="default_code, name, id")
        )

    def _quick_order_values(self, dealer, search=None, errors=None, quantities=None):
        products = self._quick_order_products(dealer, search)
        company = dealer._dms_company()
        pricelist = dealer.with_company(company).property_product_pricelist
        prices = (
            pricelist._get_products_price(products, 1.0)
            if pricelist
            else {product.id: product.lst_price for product in products}
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_quick_order",
                "dealer": dealer,
                "products": products,
                "prices": prices,
                "currency": pricelist.currency_id or company.currency_id,
                "min_amount": dealer.dms_tier_id.min_order_amount,
                "search": search or "",
                "errors": errors or [],
                "quantities": quantities or {},
                "confirm_directly": company.dms_portal_order_confirm,
            }
        )
        return values

    @http.route(
        "/my/dms/order", type="http", auth="user", website=True, methods=["GET"]
    )
    def quick_order(self, search=None, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        return request.render(
            "distribution_management.portal_quick_order",
            self._quick_order_values(dealer, search=search),
        )

    @http.route(
        "/my/dms/order", type="http", auth="user", website=True, methods=["POST"]
    )
    def quick_order_submit(self, **post):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        quantities = {
            key[4:]: value.strip()
            for key, value in post.items()
            if key.startswith("qty_") and isinstance(value, str) and value.strip()
        }
        lines, errors = self._parse_quick_order(dealer, quantities)
        order = None
        if not errors:
            try:
                order = (
                    request.env["sale.order"]
                    .sudo()
                    ._dms_create_quick_order(dealer, request.env.user.partner_id, lines)
                )
            except UserError as error:
                errors.append(error.args[0])
        if errors:
            values = self._quick_order_values(
                dealer, errors=errors, quantities=quantities
            )
            response = request.render(
                "distribution_management.portal_quick_order", values
            )
            response.status_code = 400
            return response
        return request.redirect(order.get_portal_url())

    def _parse_quick_order(self, dealer, quantities):
        """[(product, quantity)] and the errors of the posted quantities."""
        errors = []
        parsed = {}
        digits = request.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        unknown = False
        for key, raw in quantities.items():
            if not (key.isascii() and key.isdigit()):
                errors.append(_("%(value)s is not a quantity.", value=raw[:20]))
                continue
            product_id = parse_id(key)
            try:
                quantity = parse_number(request.env, raw, digits=digits)
            except NumberError as error:
                errors.append(quantity_error(error, raw))
                continue
            if product_id is None:
                unknown = True
            elif quantity > MAX_LINE_QUANTITY:
                errors.append(
                    _(
                        "A line cannot exceed %(max)s units: contact us for "
                        "larger orders.",
                        max=MAX_LINE_QUANTITY,
                    )
                )
            elif float_compare(quantity, 0.0, precision_digits=6) > 0:
                parsed[product_id] = quantity
        allowed = (
            request.env["product.product"]
            .sudo()
            .search([("id", "in", list(parsed)), *self._quick_order_domain(dealer)])
        )
        if unknown or set(parsed) - set(allowed.ids):
            errors.append(_("Some of the products cannot be ordered."))
        if not parsed and not errors:
            errors.append(_("Enter a quantity for at least one product."))
        lines = [(product, parsed[product.id]) for product in allowed]
        return lines, errors
