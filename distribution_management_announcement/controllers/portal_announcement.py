from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.osv import expression

from odoo.addons.distribution_management.controllers.portal_dealer import (
    DmsDealerPortal,
)
from odoo.addons.portal.controllers.portal import pager as portal_pager

ANNOUNCEMENTS_PER_PAGE = 20


class DmsAnnouncementPortal(DmsDealerPortal):
    """Announcements (公告) of the dealer portal: /my/dms/announcements."""

    def _announcements(self):
        return request.env["dms.announcement"].sudo()

    def _unread_announcement_count(self, dealer):
        Announcement = self._announcements()
        return Announcement.search_count(
            Announcement._dealer_live_domain(dealer, unread=True)
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dms_announcement_count" in counters:
            dealer = self._dms_dealer()
            values["dms_announcement_count"] = (
                self._unread_announcement_count(dealer) if dealer else 0
            )
        return values

    @http.route()
    def dealer_home(self, **kwargs):
        response = super().dealer_home(**kwargs)
        dealer = self._dms_dealer()
        if dealer and hasattr(response, "qcontext"):
            response.qcontext["unread_announcement_count"] = (
                self._unread_announcement_count(dealer)
            )
        return response

    @http.route(
        ["/my/dms/announcements", "/my/dms/announcements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def dealer_announcements(self, page=1, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        Announcement = self._announcements()
        domain = Announcement._dealer_live_domain(dealer)
        total = Announcement.search_count(domain)
        pager = portal_pager(
            url="/my/dms/announcements",
            total=total,
            page=page,
            step=ANNOUNCEMENTS_PER_PAGE,
        )
        announcements = Announcement.search(
            domain,
            order="date_start desc, id desc",
            limit=ANNOUNCEMENTS_PER_PAGE,
            offset=pager["offset"],
        )
        read = set(
            request.env["dms.announcement.read"]
            .sudo()
            .search(
                [
                    ("announcement_id", "in", announcements.ids),
                    ("partner_id", "=", dealer.id),
                ]
            )
            .announcement_id.ids
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_announcements",
                "dealer": dealer,
                "announcements": announcements,
                "read_ids": read,
                "pager": pager,
                "default_url": "/my/dms/announcements",
            }
        )
        return request.render(
            "distribution_management_announcement.portal_dealer_announcements", values
        )

    @http.route(
        "/my/dms/announcements/<int:announcement_id>",
        type="http",
        auth="user",
        website=True,
    )
    def dealer_announcement(self, announcement_id, **kwargs):
        dealer = self._dms_dealer()
        if not dealer:
            return request.redirect("/my")
        Announcement = self._announcements()
        # the id only selects among what the dealer may read: anything else,
        # someone else's or missing alike, is not found
        announcement = Announcement.search(
            expression.AND(
                [
                    [("id", "=", announcement_id)],
                    Announcement._dealer_live_domain(dealer),
                ]
            ),
            limit=1,
        )
        if not announcement:
            raise NotFound()
        announcement._mark_read(dealer, request.env.user)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dms_announcements",
                "dealer": dealer,
                "announcement": announcement,
            }
        )
        return request.render(
            "distribution_management_announcement.portal_dealer_announcement", values
        )
