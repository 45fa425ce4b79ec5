from werkzeug.exceptions import NotFound

from odoo import Command, fields, http
from odoo.http import request

from odoo.addons.distribution_management.controllers.portal_dealer import (
    DmsDealerPortal,
)


class DmsPromotionPortal(DmsDealerPortal):
    """The dealer's promotions: the page (/my/dms/promotions), the opt-in
    route and the entry of the portal home."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_promotion_count" in counters:
            dealer = self._dms_dealer()
            values["dms_promotion_count"] = (
                len(self._dealer_promotions(dealer)) if dealer else 0
            )
        return values

    # ------------------------------------------------------------------
    # Promotions and opt-in
    # ------------------------------------------------------------------
    def _dealer_promotions(self, dealer):
        """Running promotions open to the dealer's tier and grid."""
        # the day sale_loyalty itself applies programs on (the user's day):
        # the list shows what the dealer's order would get
        today = fields.Date.context_today(request.env.user)
        programs = (
            request.env["loyalty.program"]
            .sudo()
            .search(
                [
                    ("active", "=", True),
                    ("sale_ok", "=", True),
                    ("program_type", "not in", ("gift_card", "ewallet", "loyalty")),
                    ("company_id", "in", [False, dealer._dms_company().id]),
                    "|",
                    ("date_from", "=", False),
                    ("date_from", "<=", today),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", today),
                ]
            )
        )
        return programs.filtered(
            lambda program: (
                not program._dms_eligibility_error(
                    dealer, dealer.dms_grid_id, check_opt_in=False
                )
            )
        )

    @http.route("/my/dms/promotions", type="http", auth="user", website=True)
    def dealer_promotions(self, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_promotions",
                "dealer": dealer,
                "programs": self._dealer_promotions(dealer),
            }
        )
        return request.render(
            "distribution_management_promotion.portal_dealer_promotions", values
        )

    @http.route(
        "/my/dms/promotions/<int:program_id>/opt",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def dealer_promotion_opt(self, program_id, join="1", **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        program = self._dealer_promotions(dealer).filtered(
            lambda p: p.id == program_id and p.dms_require_opt_in
        )
        if not program:
            raise NotFound()
        command = Command.link if join == "1" else Command.unlink
        program.dms_optin_partner_ids = [command(dealer.id)]
        return request.redirect("/my/dms/promotions")
