from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.distribution_management.controllers.portal_dealer import (
    DmsDealerPortal,
)
from odoo.addons.distribution_management.tools.number import NumberError, parse_number
from odoo.addons.portal.controllers.portal import pager as portal_pager

LEDGER_PAGE_SIZE = 20


class DmsCommissionPortal(DmsDealerPortal):
    """The distributor's commission account: figures, ledger, settlements,
    withdrawals (提现) and the team's sales.

    Ledger lines, settlements and withdrawals are searched as the portal user,
    so the record rules keep each distributor to their own; only what the
    page shows of other documents (order number, customer name) is read as
    superuser afterwards."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_commission" in counters:
            values["dms_commission"] = 1 if self._dms_dealer() else 0
        return values

    def _dms_dealer_home_values(self, dealer):
        values = super()._dms_dealer_home_values(dealer)
        figures = (
            request.env["dms.withdrawal"]
            .sudo()
            ._balances(dealer, dealer._dms_company())[dealer.id]
        )
        values["commission_balance"] = figures["balance"]
        values["commission_pending"] = figures["pending"]
        return values

    def _commission_values(self, dealer, page=1, error=None, amount=None):
        company = dealer._dms_company()
        env = request.env
        Line = env["dms.commission.line"]
        domain = [("beneficiary_id", "=", dealer.id)]
        line_count = Line.search_count(domain)
        pager = portal_pager(
            url="/my/dms/commission",
            total=line_count,
            page=page,
            step=LEDGER_PAGE_SIZE,
        )
        lines = Line.search(domain, limit=LEDGER_PAGE_SIZE, offset=pager["offset"])
        expected = []
        if company.dms_commission_show_expected:
            expected = Line.sudo()._expected_for(dealer, company)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_commission",
                "dealer": dealer,
                "company": company,
                "currency": company.currency_id,
                "figures": env["dms.withdrawal"]
                .sudo()
                ._balances(dealer, company)[dealer.id],
                "lines": lines.sudo(),
                "pager": pager,
                "settlements": env["dms.settlement"].search(
                    [("beneficiary_id", "=", dealer.id)], limit=10
                ),
                "withdrawals": env["dms.withdrawal"].search(
                    [("beneficiary_id", "=", dealer.id)], limit=20
                ),
                "expected": expected,
                "expected_total": sum(amount for __, amount in expected),
                "team": Line.sudo()._team_totals(dealer, company),
                "error": error,
                "amount": amount,
            }
        )
        return values

    @http.route(
        ["/my/dms/commission", "/my/dms/commission/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def dealer_commission(self, page=1, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        values = self._commission_values(dealer, page=page)
        values["requested"] = kwargs.get("requested")
        return request.render(
            "distribution_management_commission.portal_dealer_commission", values
        )

    @http.route(
        "/my/dms/commission/withdraw",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def dealer_withdraw(self, amount=None, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        company = dealer._dms_company()
        try:
            try:
                value = parse_number(
                    request.env,
                    amount if isinstance(amount, str) else "",
                    allow_negative=True,
                    digits=company.currency_id.decimal_places,
                )
            except NumberError as error:
                if error.reason != "invalid":
                    raise
                raise ValidationError(
                    _(
                        "Enter the amount to withdraw as a number, like %(example)s.",
                        example=error.example,
                    )
                ) from None
            request.env["dms.withdrawal"].sudo()._request(dealer, value, company)
        except (UserError, ValidationError) as error:
            values = self._commission_values(dealer, error=error.args[0], amount=amount)
            return request.render(
                "distribution_management_commission.portal_dealer_commission",
                values,
                status=400,
            )
        return request.redirect("/my/dms/commission?requested=1")

    @http.route(
        "/my/dms/commission/withdrawal/<int:withdrawal_id>/cancel",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def dealer_withdrawal_cancel(self, withdrawal_id, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        withdrawal = request.env["dms.withdrawal"].search(
            [
                ("id", "=", withdrawal_id),
                ("beneficiary_id", "=", dealer.id),
                ("decision", "=", "requested"),
            ]
        )
        if not withdrawal:
            raise NotFound()
        withdrawal.sudo()._action_withdraw()
        return request.redirect("/my/dms/commission")
