import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from odoo.addons.distribution_management.models.dms_state_guard import state_action

AUDIENCE_TYPES = [
    ("all", "All Dealers"),
    ("tier", "Tiers"),
    ("grid", "Grids"),
    ("partner", "Selected Dealers"),
]
# audience type -> the selection it needs
AUDIENCE_FIELDS = {"tier": "tier_ids", "grid": "grid_ids", "partner": "partner_ids"}


class DmsAnnouncement(models.Model):
    _name = "dms.announcement"
    _description = "Dealer Announcement"
    _inherit = ["mail.thread", "mail.activity.mixin", "dms.state.guard.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    body = fields.Html(translate=True, sanitize_style=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("archived", "Archived")],
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_start = fields.Date(
        string="Visible From",
        required=True,
        default=lambda self: self.env.company._dms_today(),
        tracking=True,
        help="First day the dealers see the announcement in their portal (a day "
        "of the company's calendar, whatever the timezone of the dealer).",
    )
    date_end = fields.Date(
        string="Visible Until",
        tracking=True,
        help="Last day the dealers see the announcement. Empty: until archived.",
    )
    publication_status = fields.Selection(
        [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("live", "Live"),
            ("expired", "Expired"),
            ("archived", "Archived"),
        ],
        compute="_compute_publication_status",
        help="Where the announcement stands today: a published announcement is "
        "live between its first and last day.",
    )
    is_live = fields.Boolean(
        string="Live",
        compute="_compute_publication_status",
        search="_search_is_live",
    )
    audience_type = fields.Selection(
        AUDIENCE_TYPES,
        string="Audience",
        required=True,
        default="all",
        tracking=True,
        help="Which approved distributors see the announcement. The audience is "
        "evaluated when they open the portal: a dealer who joins a tier or grid "
        "later sees its current announcements.",
    )
    tier_ids = fields.Many2many(
        "dms.tier",
        "dms_announcement_tier_rel",
        "announcement_id",
        "tier_id",
        string="Tiers",
        check_company=True,
    )
    grid_ids = fields.Many2many(
        "dms.grid",
        "dms_announcement_grid_rel",
        "announcement_id",
        "grid_id",
        string="Grids",
        check_company=True,
        help="Distributors of these grids and of their sub-grids.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "dms_announcement_partner_rel",
        "announcement_id",
        "partner_id",
        string="Dealers",
        domain="[('dms_state', '=', 'approved'), "
        "('company_id', 'in', [False, company_id])]",
    )
    send_email = fields.Boolean(
        string="Send by Email",
        tracking=True,
        help="Email the announcement to the audience (approved distributors with "
        "an email address) once it is published and its first day has come.",
    )
    email_sent_on = fields.Datetime(string="Emailed On", readonly=True, copy=False)
    read_ids = fields.One2many(
        "dms.announcement.read", "announcement_id", string="Read Receipts"
    )
    audience_count = fields.Integer(
        string="Audience Size", compute="_compute_read_counts"
    )
    read_count = fields.Integer(string="Read", compute="_compute_read_counts")
    unread_count = fields.Integer(string="Unread", compute="_compute_read_counts")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("state", "date_start", "date_end", "company_id")
    def _compute_publication_status(self):
        # days of the company's calendar: the same for every reader
        for announcement in self:
            today = announcement.company_id._dms_today()
            status = announcement.state
            if status == "published":
                if announcement.date_start and announcement.date_start > today:
                    status = "scheduled"
                elif announcement.date_end and announcement.date_end < today:
                    status = "expired"
                else:
                    status = "live"
            announcement.publication_status = status
            announcement.is_live = status == "live"

    @api.model
    def _live_domain(self):
        """Published and between its first and last day, today being the day
        of each announcement's company (not the reader's: a dealer without a
        timezone sees an announcement published after the company's midnight
        at once)."""
        by_day = self.env["res.company"]._dms_companies_by_today()
        return expression.AND(
            [
                [("state", "=", "published")],
                expression.OR(
                    [
                        [
                            ("company_id", "in", company_ids),
                            ("date_start", "<=", today),
                            "|",
                            ("date_end", "=", False),
                            ("date_end", ">=", today),
                        ]
                        for today, company_ids in by_day.items()
                    ]
                ),
            ]
        )

    def _search_is_live(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on the live status."))
        if (operator == "=") == value:
            return self._live_domain()
        return ["!", *expression.normalize_domain(self._live_domain())]

    def _compute_read_counts(self):
        """Audience and readers as the current user may see them: a grid
        manager counts the distributors of their grids."""
        Partner = self.env["res.partner"]
        for announcement in self:
            if not announcement.id:
                announcement.audience_count = 0
                announcement.read_count = 0
                announcement.unread_count = 0
                continue
            audience = announcement._audience_domain()
            readers = [("id", "in", announcement._reader_ids())]
            audience_count = Partner.search_count(audience)
            read_count = Partner.search_count(expression.AND([audience, readers]))
            announcement.audience_count = audience_count
            announcement.read_count = read_count
            announcement.unread_count = audience_count - read_count

    # ------------------------------------------------------------------
    # Audience
    # ------------------------------------------------------------------
    def _audience_domain(self):
        """Domain on res.partner of the distributors this announcement is for.

        The selection is read as stored (archived tiers and grids, records the
        user may not see included): the audience does not depend on who asks.
        Which partners are returned does: search as sudo() for the full list.
        """
        self.ensure_one()
        stored = self.sudo().with_context(active_test=False)
        domain = [
            ("dms_state", "=", "approved"),
            ("company_id", "in", [False, stored.company_id.id]),
        ]
        if stored.audience_type == "tier":
            domain.append(("dms_tier_id", "in", stored.tier_ids.ids))
        elif stored.audience_type == "grid":
            domain.append(("dms_grid_id", "child_of", stored.grid_ids.ids))
        elif stored.audience_type == "partner":
            domain.append(("id", "in", stored.partner_ids.ids))
        return domain

    def _get_audience(self):
        """The approved distributors this announcement is meant for, as the
        current user may see them (one search)."""
        return self.env["res.partner"].search(self._audience_domain())

    def _reader_ids(self):
        """Ids of the partners who opened the announcement (one query)."""
        self.ensure_one()
        groups = (
            self.env["dms.announcement.read"]
            .sudo()
            ._read_group([("announcement_id", "=", self.id)], ["partner_id"])
        )
        return [partner.id for (partner,) in groups]

    @api.model
    def _dealer_domain(self, dealer):
        """Domain of the announcements meant for ``dealer`` (an approved
        distributor), live or not: the mirror image of _audience_domain."""
        dealer.ensure_one()
        grid = dealer.sudo().dms_grid_id
        # the dealer's grid and every grid above it
        grid_ids = [int(node) for node in (grid.parent_path or "").split("/") if node]
        domain = [
            "|",
            "|",
            "|",
            ("audience_type", "=", "all"),
            "&",
            ("audience_type", "=", "tier"),
            ("tier_ids", "in", dealer.sudo().dms_tier_id.ids),
            "&",
            ("audience_type", "=", "grid"),
            ("grid_ids", "in", grid_ids),
            "&",
            ("audience_type", "=", "partner"),
            ("partner_ids", "in", dealer.ids),
        ]
        if dealer.company_id:
            domain = expression.AND(
                [[("company_id", "=", dealer.company_id.id)], domain]
            )
        return domain

    @api.model
    def _dealer_live_domain(self, dealer, unread=False):
        """Live announcements of ``dealer``; ``unread``: not opened yet."""
        domain = expression.AND([self._live_domain(), self._dealer_domain(dealer)])
        if unread:
            domain = expression.AND(
                [domain, [("read_ids", "not any", [("partner_id", "=", dealer.id)])]]
            )
        return domain

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for announcement in self:
            if (
                announcement.date_end
                and announcement.date_start
                and announcement.date_end < announcement.date_start
            ):
                raise ValidationError(
                    _(
                        "The announcement %(title)s cannot end before it starts.",
                        title=announcement.name,
                    )
                )

    @api.constrains("state", "audience_type", "tier_ids", "grid_ids", "partner_ids")
    def _check_audience(self):
        self.filtered(lambda a: a.state == "published")._check_audience_selected()

    def _check_audience_selected(self):
        labels = dict(self._fields["audience_type"]._description_selection(self.env))
        # as stored: archived tiers or grids, or records hidden from the
        # user, still make a selection
        for announcement in self.sudo().with_context(active_test=False):
            field = AUDIENCE_FIELDS.get(announcement.audience_type)
            if field and not announcement[field]:
                raise ValidationError(
                    _(
                        "The announcement %(title)s is meant for %(audience)s: "
                        "select at least one.",
                        title=announcement.name,
                        audience=labels[announcement.audience_type],
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_state(self, allowed, message):
        """Raise ``message`` (with %(title)s) unless all are in ``allowed``."""
        for announcement in self:
            if announcement.state not in allowed:
                raise UserError(message % {"title": announcement.name})

    @state_action
    def action_publish(self):
        """Publish drafts; email the audience of those already live."""
        self._check_state(
            ("draft",),
            _("Only draft announcements can be published: %(title)s is not a draft."),
        )
        self._check_audience_selected()
        self.write({"state": "published"})
        self._send_email_if_due()
        return True

    @state_action
    def action_set_archived(self):
        """Withdraw announcements from the portal."""
        self._check_state(
            ("draft", "published"),
            _("The announcement %(title)s is already archived."),
        )
        self.write({"state": "archived"})
        return True

    @state_action
    def action_reset_draft(self):
        self._check_state(
            ("published", "archived"),
            _("The announcement %(title)s is already a draft."),
        )
        self.write({"state": "draft"})
        return True

    def action_view_audience(self):
        self.ensure_one()
        return self._partner_action(_("Audience"), self._audience_domain())

    def action_view_unread(self):
        self.ensure_one()
        domain = expression.AND(
            [self._audience_domain(), [("id", "not in", self._reader_ids())]]
        )
        return self._partner_action(_("Not Read Yet"), domain)

    def _partner_action(self, name, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management.action_dms_distributor"
        )
        action.update(
            name=name,
            domain=domain,
            context={"create": False},
            views=[(False, "list"), (False, "form")],
            view_mode="list,form",
        )
        return action

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_announcement.action_dms_announcement_read"
        )
        action["domain"] = [("announcement_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Read receipts
    # ------------------------------------------------------------------
    def _mark_read(self, dealer, user):
        """Record that ``dealer`` opened the announcement (once per dealer).

        Called by the portal after it checked the dealer is in the audience.
        """
        self.ensure_one()
        Read = self.env["dms.announcement.read"].sudo()
        existing = Read.search(
            [("announcement_id", "=", self.id), ("partner_id", "=", dealer.id)],
            limit=1,
        )
        if existing:
            return existing
        vals = {
            "announcement_id": self.id,
            "partner_id": dealer.id,
            "user_id": user.id,
        }
        try:
            # two tabs opened at once: the second insert loses, quietly
            with self.env.cr.savepoint():
                receipt = Read.create(vals)
                receipt.flush_recordset()
        except psycopg2.errors.UniqueViolation:
            receipt = Read.search(
                [("announcement_id", "=", self.id), ("partner_id", "=", dealer.id)],
                limit=1,
            )
        return receipt

    # ------------------------------------------------------------------
    # Email
    # ------------------------------------------------------------------
    def _send_email_if_due(self):
        """Email the live announcements that ask for it and were not sent."""
        due = self.filtered(
            lambda a: a.send_email and a.is_live and not a.email_sent_on
        )
        for announcement in due:
            announcement._send_email()

    def _send_email(self):
        """Post the announcement to its audience, one message per language:
        the emails go through the mail queue."""
        self.ensure_one()
        template = self.env.ref(
            "distribution_management_announcement.mail_template_dms_announcement",
            raise_if_not_found=False,
        )
        if not template:
            return
        recipients = (
            self.env["res.partner"]
            .sudo()
            .search(expression.AND([self._audience_domain(), [("email", "!=", False)]]))
        )
        announcement = self.sudo().with_context(mail_notify_force_send=False)
        default_lang = self.env.lang or "en_US"
        by_lang = {}
        for partner in recipients:
            by_lang.setdefault(partner.lang or default_lang, []).append(partner.id)
        for lang, partner_ids in by_lang.items():
            announcement.with_context(lang=lang).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=partner_ids,
            )
        self.sudo().email_sent_on = fields.Datetime.now()
        self.message_post(
            body=_("Announcement emailed to %(count)s dealers.", count=len(recipients))
        )

    @api.model
    def _cron_send_emails(self):
        """Email the published announcements whose first day has come."""
        self.search(
            expression.AND(
                [
                    self._live_domain(),
                    [("send_email", "=", True), ("email_sent_on", "=", False)],
                ]
            )
        )._send_email_if_due()
