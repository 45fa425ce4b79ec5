from werkzeug.exceptions import Forbidden, NotFound

from odoo import Command, _, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import float_compare, float_round

from odoo.addons.distribution_management.controllers.portal_dealer import (
    quantity_error,
)
from odoo.addons.distribution_management.tools.number import NumberError, parse_number
from odoo.addons.portal.controllers.portal import CustomerPortal

REASON_MAX_LENGTH = 2000


class DmsReturnPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_return_count" in counters:
            values["dms_return_count"] = (
                request.env["dms.return.request"]
                .sudo()
                .search_count([("partner_id", "=", self._dms_return_partner().id)])
            )
        return values

    def _dms_return_partner(self):
        """The company (or person) the logged-in portal user buys for."""
        return request.env.user.partner_id.commercial_partner_id

    def _order_for_return(self, order_id, access_token=None):
        """The order (sudo), when the logged-in dealer owns it; else Forbidden.

        An access token alone is not enough: a return is asked by the dealer
        who bought, never by whoever received a link to the order.
        """
        try:
            order = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            raise Forbidden() from None
        if order.partner_id.commercial_partner_id != self._dms_return_partner():
            raise Forbidden()
        return order

    def _return_request_for_user(self, request_id, access_token=None):
        """The return request (sudo) of the logged-in dealer; else 404/403."""
        try:
            record = self._document_check_access(
                "dms.return.request", request_id, access_token
            )
        except MissingError:
            raise NotFound() from None
        except AccessError:
            raise Forbidden() from None
        if record.partner_id != self._dms_return_partner():
            raise Forbidden()
        return record

    def _returnable_lines(self, order):
        return order.order_line.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and line.product_id.type == "consu"
                and line.qty_delivered > 0
            )
        )

    def _return_form_values(self, order, post=None, errors=None):
        lines = self._returnable_lines(order)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_return",
                "sale_order": order,
                "lines": lines,
                "returnable": lines._dms_returnable_quantities(),
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
            "distribution_management_return.portal_return_form",
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
        record = None
        if not errors:
            try:
                # a refused request leaves nothing behind
                with request.env.cr.savepoint():
                    record = (
                        request.env["dms.return.request"]
                        .sudo()
                        .create(self._prepare_return_vals(order, post, quantities))
                    )
                    record.action_submit()
            except UserError as error:
                errors.append(error.args[0])
        if errors:
            response = request.render(
                "distribution_management_return.portal_return_form",
                self._return_form_values(order, post, errors),
            )
            response.status_code = 400
            return response
        return request.redirect(f"/my/dms/returns/{record.id}?submitted=1")

    def _prepare_return_vals(self, order, post, quantities):
        return {
            "sale_order_id": order.id,
            "request_type": post["request_type"],
            "reason": post["reason"].strip(),
            "line_ids": [
                Command.create({"sale_line_id": line.id, "quantity": quantity})
                for line, quantity in quantities
            ],
        }

    def _parse_return(self, post, lines):
        """Check the posted form: ([translated errors], [(line, quantity)])."""
        errors = []
        quantities = []
        if post.get("request_type") not in ("return", "exchange"):
            errors.append(_("Choose a return or an exchange."))
        reason = (post.get("reason") or "").strip()
        if not reason:
            errors.append(_("Please tell us why you return these products."))
        elif len(reason) > REASON_MAX_LENGTH:
            errors.append(
                _(
                    "Keep the reason under %(count)s characters.",
                    count=REASON_MAX_LENGTH,
                )
            )
        known = {str(line.id): line for line in lines}
        returnable = lines._dms_returnable_quantities()
        for key, raw in post.items():
            if not key.startswith("qty_") or not (raw or "").strip():
                continue
            line = known.get(key[4:])
            if not line:
                errors.append(_("Some lines do not belong to this order."))
                continue
            try:
                quantity = parse_number(request.env, raw, allow_negative=True)
            except NumberError as error:
                errors.append(quantity_error(error, raw))
                continue
            rounding = line.product_uom.rounding or 0.01
            if float_compare(quantity, 0.0, precision_rounding=rounding) < 0:
                errors.append(_("Quantities cannot be negative."))
            elif (
                float_compare(
                    quantity,
                    float_round(quantity, precision_rounding=rounding),
                    precision_digits=6,
                )
                != 0
            ):
                errors.append(
                    _(
                        "%(product)s is counted in steps of %(step)s %(uom)s.",
                        product=line.product_id.display_name,
                        step=rounding,
                        uom=line.product_uom.name,
                    )
                )
            elif (
                float_compare(
                    quantity, returnable[line.id], precision_rounding=rounding
                )
                > 0
            ):
                errors.append(
                    _(
                        "At most %(qty)s %(uom)s of %(product)s can be returned.",
                        qty=returnable[line.id],
                        uom=line.product_uom.name,
                        product=line.product_id.display_name,
                    )
                )
            elif float_compare(quantity, 0.0, precision_rounding=rounding) > 0:
                quantities.append((line, quantity))
        if not quantities and not errors:
            errors.append(_("Enter a quantity for at least one product."))
        return errors, quantities

    @http.route("/my/dms/returns", type="http", auth="user", website=True)
    def return_list(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_returns",
                "requests": request.env["dms.return.request"]
                .sudo()
                .search([("partner_id", "=", self._dms_return_partner().id)]),
            }
        )
        return request.render(
            "distribution_management_return.portal_return_list", values
        )

    @http.route(
        "/my/dms/returns/<int:request_id>", type="http", auth="user", website=True
    )
    def return_detail(self, request_id, access_token=None, submitted=None, **kwargs):
        record = self._return_request_for_user(request_id, access_token)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_returns",
                "return_request": record,
                "submitted": bool(submitted),
            }
        )
        return request.render(
            "distribution_management_return.portal_return_detail", values
        )
