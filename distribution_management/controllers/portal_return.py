from werkzeug.exceptions import Forbidden, NotFound

from odoo import Command, _, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.portal.controllers.portal import CustomerPortal


class DmsReturnPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_return_count" in counters:
            partner = request.env.user.partner_id.commercial_partner_id
            values["dms_return_count"] = (
                request.env["dms.return.request"]
                .sudo()
                .search_count([("partner_id", "=", partner.id)])
            )
        return values

    def _order_for_return(self, order_id, access_token=None):
        """The order, when the logged-in dealer owns it; else Forbidden."""
        try:
            order = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            raise Forbidden() from None
        customer = request.env.user.partner_id.commercial_partner_id
        if order.partner_id.commercial_partner_id != customer:
            raise Forbidden()
        return order

    def _returnable_lines(self, order):
        return order.order_line.filtered(
            lambda line: not line.display_type and line.qty_delivered > 0
        )

    def _return_form_values(self, order, post=None, errors=None):
        lines = self._returnable_lines(order)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_return",
                "sale_order": order,
                "lines": lines,
                "returnable": {line.id: line._dms_returnable_qty() for line in lines},
                "post": post or {},
                "errors": errors or [],
            }
        )
        return values

    @http.route(
        "/my/orders/<int:order_id>/return",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def return_form(self, order_id, access_token=None, **kwargs):
        order = self._order_for_return(order_id, access_token)
        return request.render(
            "distribution_management.portal_return_form",
            self._return_form_values(order),
        )

    @http.route(
        "/my/orders/<int:order_id>/return",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def return_submit(self, order_id, access_token=None, **post):
        order = self._order_for_return(order_id, access_token)
        lines = self._returnable_lines(order)
        errors, quantities = self._parse_return(post, lines)
        request_record = None
        if not errors:
            try:
                with request.env.cr.savepoint():
                    request_record = (
                        request.env["dms.return.request"]
                        .sudo()
                        .create(
                            {
                                "sale_order_id": order.id,
                                "request_type": post.get("request_type"),
                                "reason": post["reason"].strip(),
                                "line_ids": [
                                    Command.create(
                                        {"sale_line_id": line.id, "quantity": qty}
                                    )
                                    for line, qty in quantities
                                ],
                            }
                        )
                    )
                    request_record.action_submit()
            except ValidationError as error:
                errors.append(error.args[0])
        if errors:
            response = request.render(
                "distribution_management.portal_return_form",
                self._return_form_values(order, post, errors),
            )
            response.status_code = 400
            return response
        return request.redirect(f"/my/dms/returns/{request_record.id}")

    def _parse_return(self, post, lines):
        errors = []
        quantities = []
        if post.get("request_type") not in ("return", "exchange"):
            errors.append(_("Choose a return or an exchange."))
        if not (post.get("reason") or "").strip():
            errors.append(_("Please tell us why you return these products."))
        known = {str(line.id): line for line in lines}
        for key, raw in post.items():
            if not key.startswith("qty_") or not (raw or "").strip():
                continue
            line = known.get(key[4:])
            if not line:
                errors.append(_("Some lines do not belong to this order."))
                continue
            try:
                quantity = float(raw.strip().replace(",", "."))
            except ValueError:
                errors.append(_("%(value)s is not a quantity.", value=raw[:20]))
                continue
            if quantity != quantity or quantity < 0:
                errors.append(_("Quantities cannot be negative."))
            elif quantity > line._dms_returnable_qty():
                errors.append(
                    _(
                        "At most %(qty)s of %(product)s can be returned.",
                        qty=line._dms_returnable_qty(),
                        product=line.product_id.display_name,
                    )
                )
            elif float_compare(quantity, 0.0, precision_digits=6) > 0:
                quantities.append((line, quantity))
        if not quantities and not errors:
            errors.append(_("Enter a quantity for at least one product."))
        return errors, quantities

    @http.route("/my/dms/returns", type="http", auth="user", website=True)
    def return_list(self, **kwargs):
        partner = request.env.user.partner_id.commercial_partner_id
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_returns",
                "requests": request.env["dms.return.request"]
                .sudo()
                .search([("partner_id", "=", partner.id)]),
            }
        )
        return request.render("distribution_management.portal_return_list", values)

    @http.route(
        "/my/dms/returns/<int:request_id>", type="http", auth="user", website=True
    )
    def return_detail(self, request_id, **kwargs):
        partner = request.env.user.partner_id.commercial_partner_id
        record = request.env["dms.return.request"].sudo().browse(request_id).exists()
        if not record:
            raise NotFound()
        if record.partner_id != partner:
            raise Forbidden()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "dms_returns", "return_request": record})
        return request.render("distribution_management.portal_return_detail", values)
