from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

# China's rules against pyramid selling (禁止传销条例) forbid remunerating more
# than three levels: the configured depth may be lower, never higher.
MAX_NETWORK_DEPTH = 3


class ResCompany(models.Model):
    _inherit = "res.company"

    dms_max_depth = fields.Integer(
        string="Maximum Network Depth",
        default=MAX_NETWORK_DEPTH,
        help="How many levels a distributor network may have (1 to 3).",
    )
    dms_default_tier_id = fields.Many2one(
        "dms.tier",
        string="Default Tier",
        help="Tier given to a newly approved distributor that has none.",
    )
    dms_tier_rolling_days = fields.Integer(
        string="Tier Evaluation Window (days)",
        default=365,
        help="Rolling window of invoiced sales used to upgrade or downgrade tiers.",
    )
    dms_grant_portal_on_approval = fields.Boolean(
        string="Grant Portal Access on Approval",
        default=True,
    )
    dms_application_max_file_mb = fields.Integer(
        string="Maximum Upload Size (MB)",
        default=5,
    )
    dms_binding_days = fields.Integer(
        string="Customer Binding (days)",
        default=180,
        help="A customer first brought by a distributor's referral stays "
        "attributed to that distributor for this many days. 0: no binding.",
    )
    dms_portal_order_confirm = fields.Boolean(
        string="Confirm Dealer Portal Orders",
        help="Dealer quick orders from the portal are confirmed at once instead "
        "of waiting as quotations for approval.",
    )
    dms_portal_team_id = fields.Many2one(
        "crm.team",
        string="Dealer Portal Channel",
        help="Sales channel of the orders dealers place in the portal.",
    )
    dms_portal_salesperson_id = fields.Many2one(
        "res.users",
        string="Default Portal Salesperson",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Salesperson of portal and referral orders whose distributor has no "
        "account manager and whose grid has no manager.",
    )
    dms_referral_team_id = fields.Many2one(
        "crm.team",
        string="Referral Channel",
        help="Sales channel of the orders brought by a referral code or link.",
    )

    @api.constrains("dms_max_depth")
    def _check_dms_max_depth(self):
        for company in self:
            if not 1 <= company.dms_max_depth <= MAX_NETWORK_DEPTH:
                raise ValidationError(
                    _(
                        "The maximum network depth must be between 1 and %(max)s.",
                        max=MAX_NETWORK_DEPTH,
                    )
                )
        deepest = (
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [("company_id", "in", self.ids + [False]), ("dms_state", "!=", False)],
                [],
                ["dms_level:max"],
            )[0][0]
        )
        for company in self:
            if deepest and deepest > company.dms_max_depth:
                raise ValidationError(
                    _(
                        "The network already has %(levels)s levels: move the "
                        "deepest distributors up before lowering the maximum depth.",
                        levels=deepest,
                    )
                )

    @api.constrains(
        "dms_tier_rolling_days",
        "dms_application_max_file_mb",
        "dms_binding_days",
    )
    def _check_dms_positive_settings(self):
        for company in self:
            if company.dms_binding_days < 0:
                raise ValidationError(_("The customer binding cannot be negative."))
            if company.dms_tier_rolling_days < 1:
                raise ValidationError(
                    _("The tier evaluation window must be at least one day.")
                )
            if company.dms_application_max_file_mb < 1:
                raise ValidationError(
                    _("The maximum upload size must be at least 1 MB.")
                )

    # ------------------------------------------------------------------
    # Business calendar: ONE rule for every business date of the add-on
    # ------------------------------------------------------------------
    # A business date (cut-off of a settlement, end of a freeze period, period
    # of a rebate or statement, day of a
    # dealer stock report, week of an anomaly, tier evaluation window) is a day
    # of the company's calendar: the timezone of the company's address
    # (its partner's ``tz``), UTC when the company has none. Never the tz of the
    # user or cron user who happens to run the code: two users of one company
    # must see the same "today". Defaults the user sees and edits in a form may
    # still start from this day; what the user types is taken as a company day.
    # stored on the company, so that hot paths (posting an invoice) find it
    # with the company's other fields instead of reading its partner
    dms_tz = fields.Selection(
        related="partner_id.tz", store=True, string="Business Timezone"
    )

    def _dms_tz(self):
        """pytz timezone of the company's business calendar (``self`` or, when
        empty, the current company)."""
        company = self[:1] or self.env.company
        try:
            return pytz.timezone(company.dms_tz or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _dms_now_local(self):
        """Naive datetime: now in the company's calendar."""
        return (
            pytz.utc.localize(fields.Datetime.now())
            .astimezone(self._dms_tz())
            .replace(tzinfo=None)
        )

    def _dms_today(self):
        """Today in the company's calendar (a ``date``)."""
        return self._dms_now_local().date()

    def _dms_local_date(self, value):
        """Company day of a naive UTC datetime (as stored by Odoo)."""
        if not value:
            return value
        value = fields.Datetime.to_datetime(value)
        return pytz.utc.localize(value).astimezone(self._dms_tz()).date()

    @api.model
    def _dms_today_domain(self, field, operator, company_field="company_id"):
        """Domain comparing the date ``field`` with today in the calendar of
        each record's company (every company of the database), e.g.
        ``("available_date", "<=", today)`` for a cron that runs for all."""
        domains = [
            ["&", (company_field, "in", ids), (field, operator, day)]
            for day, ids in self._dms_companies_by_today().items()
        ]
        return expression.OR(domains) if domains else [(0, "=", 1)]

    @api.model
    def _dms_companies_by_today(self):
        """{today in a company's calendar: [ids of the companies on that day]}
        over every company of the database (a cron or a domain working for all
        companies at once)."""
        by_day = {}
        # every company: a database holds a handful
        for company in self.sudo().search([]):  # pylint: disable=no-search-all
            by_day.setdefault(company._dms_today(), []).append(company.id)
        return by_day

    def _dms_date_to_utc(self, day):
        """Naive UTC datetime of the start (local midnight) of company day
        ``day``: compare it with stored datetimes."""
        day = fields.Date.to_date(day)
        local = self._dms_tz().localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _dms_date_to_utc_bounds(self, date_from, date_to=None):
        """``(start, end)`` naive UTC datetimes of the company days
        ``date_from`` to ``date_to`` included (``start <= dt < end``)."""
        date_to = fields.Date.to_date(date_to or date_from)
        return (
            self._dms_date_to_utc(date_from),
            self._dms_date_to_utc(date_to + timedelta(days=1)),
        )
