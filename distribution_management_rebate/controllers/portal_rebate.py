from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request

from odoo.addons.distribution_management.controllers.portal_dealer import (
    DmsDealerPortal,
)
from odoo.addons.portal.controllers.portal import pager as portal_pager

STATEMENT_PAGE_SIZE = 20
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DmsRebatePortal(DmsDealerPortal):
    """Rebate progress and statements (对账单) of the dealer.

    Rebates and statements are searched as the portal user: the record rules
    keep each dealer to their own (and hide draft statements). A statement is
    opened through ``_document_check_access`` before anything is read or
    written as superuser."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_statement_count" in counters:
            values["dms_statement_count"] = (
                request.env["dms.statement"].search_count([])
                if request.env["dms.statement"].has_access("read")
                else 0
            )
        if "dms_rebate" in counters:
            values["dms_rebate"] = 1 if self._dms_dealer() else 0
        return values

    def _dms_dealer_home_values(self, dealer):
        values = super()._dms_dealer_home_values(dealer)
        current = self._current_rebates(dealer).sudo()
        # the running rebate nearest to its next bracket, for the tile
        values["rebate"] = max(current, key=lambda r: r.progress, default=None)
        return values

    def _current_rebates(self, dealer, limit=None):
        """The dealer's rebates, those of the running periods computed now for
        this dealer only: the latest ``limit`` of any period, or without a
        limit those of the running periods."""
        company = dealer._dms_company()
        programs = (
            request.env["dms.rebate.program"]
            .sudo()
            .search([("company_id", "=", company.id)])
        )
        programs._current_rebates(partners=dealer)
        domain = [("partner_id", "=", dealer.id)]
        if not limit:
            domain.append(("date_to", ">=", company._dms_today()))
        return request.env["dms.rebate"].search(domain, limit=limit)

    # ------------------------------------------------------------------
    # Rebates
    # ------------------------------------------------------------------
    @http.route("/my/dms/rebates", type="http", auth="user", website=True)
    def dealer_rebates(self, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        company = dealer._dms_company()
        today = company._dms_today()
        rebates = self._current_rebates(dealer, limit=40)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_rebates",
                "dealer": dealer,
                "currency": company.currency_id,
                "current": rebates.filtered(lambda r: r.date_to >= today).sudo(),
                "past": rebates.filtered(lambda r: r.date_to < today).sudo(),
            }
        )
        return request.render(
            "distribution_management_rebate.portal_dealer_rebates", values
        )

    # ------------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------------
    @http.route(
        ["/my/dms/statements", "/my/dms/statements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def dealer_statements(self, page=1, **kwargs):
        Statement = request.env["dms.statement"]
        if not Statement.has_access("read"):
            return request.redirect("/my")
        count = Statement.search_count([])
        pager = portal_pager(
            url="/my/dms/statements", total=count, page=page, step=STATEMENT_PAGE_SIZE
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_statements",
                "statements": Statement.search(
                    [], limit=STATEMENT_PAGE_SIZE, offset=pager["offset"]
                ),
                "pager": pager,
            }
        )
        return request.render(
            "distribution_management_rebate.portal_dealer_statements", values
        )

    def _statement(self, statement_id, access_token=None):
        try:
            return self._document_check_access(
                "dms.statement", statement_id, access_token=access_token
            )
        except (AccessError, MissingError) as error:
            raise NotFound() from error

    @http.route(
        "/my/dms/statements/<int:statement_id>",
        type="http",
        auth="user",
        website=True,
    )
    def dealer_statement(
        self, statement_id, access_token=None, report_type=None, download=False, **kw
    ):
        statement = self._statement(statement_id, access_token)
        if report_type == "pdf":
            return self._show_report(
                model=statement,
                report_type="pdf",
                report_ref="distribution_management_rebate.action_report_dms_statement",
                download=download,
            )
        if report_type == "xlsx":
            content = statement._xlsx_content()
            filename = f"{statement.name.replace('/', '-')}.xlsx"
            return request.make_response(
                content,
                headers=[
                    ("Content-Type", XLSX_MIMETYPE),
                    ("Content-Length", len(content)),
                    ("Content-Disposition", content_disposition(filename)),
                ],
            )
        return request.render(
            "distribution_management_rebate.portal_dealer_statement",
            self._statement_values(statement, answered=kw.get("answered")),
        )

    def _statement_values(self, statement, error=None, comment=None, answered=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_statement",
                "statement": statement,
                "currency": statement.currency_id,
                "error": error,
                "comment": comment,
                "answered": answered,
                "object": statement,
                "token": statement.access_token,
            }
        )
        return values

    @http.route(
        "/my/dms/statements/<int:statement_id>/answer",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def dealer_statement_answer(
        self, statement_id, answer=None, comment=None, access_token=None, **kwargs
    ):
        statement = self._statement(statement_id, access_token)
        if answer not in ("confirm", "dispute"):
            raise NotFound()
        try:
            statement._dealer_answer(
                answer == "confirm", comment, request.env.user.partner_id
            )
        except (UserError, ValidationError) as error:
            return request.render(
                "distribution_management_rebate.portal_dealer_statement",
                self._statement_values(statement, error=error.args[0], comment=comment),
                status=400,
            )
        return request.redirect(f"/my/dms/statements/{statement.id}?answered=1")
