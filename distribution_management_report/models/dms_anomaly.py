"""Grid sales anomalies: a week of a grid's sales far from its robust baseline.

Each grid × product (or product category) series of weekly sales is compared,
for the last complete week, with the median and the median absolute deviation
(MAD) of the weeks before it. The robust z-score of Iglewicz and Hoaglin,
0.6745 × (week − median) / MAD, flags a spike (drop) at or above the threshold
(at or below its opposite). Median and MAD ignore a few odd weeks in the
baseline, unlike a mean and a standard deviation.

The week must also differ from the median by at least the change threshold
(50 % by default): with eight baseline weeks the MAD of ordinary noise is itself
noisy, and the z-score alone flags about one series in twenty every week (a
spike or a drop of a few percent in a series that happens to have had very
regular weeks). The change threshold keeps the alerts to moves that matter.

MAD = 0 happens when at least half of the baseline weeks have the same value
(a steady series, or mostly weeks without sales): the z-score is then
undefined (reported as 0), and the percentage change against the median is the
only criterion. When the median is zero too, a week at or above the minimum
volume is a spike "from nothing" (method "new") and cannot be a drop.

A grid is analysed on the orders delivered in it (the order's grid, the grid of
its delivery address); with the "Include Sub-grids" setting, on the orders of
its whole sub-tree as well.
"""

import json
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_unique_index, format_date

from odoo.addons.distribution_management.models.dms_state_guard import state_action

MAD_SCALE = 0.6745
# MAD below this is zero: sums of float quantities are not exact
MAD_EPSILON = 1e-6

KINDS = [("spike", "Spike"), ("drop", "Drop")]
METHODS = [
    ("robust_z", "Robust z-score"),
    ("change", "Change against a steady baseline"),
    ("new", "No sales in the baseline"),
]


# memory for the aggregation of one batch of grids (the nightly job only)
ANOMALY_WORK_MEM = "256MB"


def median_mad(values):
    """(median, median absolute deviation) of a non-empty list of numbers."""
    ordered = sorted(values)
    size = len(ordered)
    mid = size // 2
    if size % 2:
        median = ordered[mid]
        deviations = sorted([abs(v - median) for v in ordered])
        return median, deviations[mid]
    median = (ordered[mid - 1] + ordered[mid]) / 2
    deviations = sorted([abs(v - median) for v in ordered])
    return median, (deviations[mid - 1] + deviations[mid]) / 2


def score_week(value, baseline, threshold, change_threshold, min_volume):
    """Judge one week against its baseline weeks.

    Returns None (nothing to report), or a dict with ``kind`` (spike or drop),
    ``median``, ``mad``, ``score`` (robust z-score, 0 when MAD = 0),
    ``change`` (% change against the median, 0 when the median is 0) and
    ``method`` (see METHODS).
    """
    median, mad = median_mad(baseline)
    if value < min_volume and median < min_volume:
        return None
    score = change = 0.0
    if median:
        change = (value - median) / abs(median) * 100
    if mad > MAD_EPSILON:
        method = "robust_z"
        score = MAD_SCALE * (value - median) / mad
        if score >= threshold and (not median or change >= change_threshold):
            kind = "spike"
        elif score <= -threshold and (not median or change <= -change_threshold):
            kind = "drop"
        else:
            return None
    elif median > MAD_EPSILON:
        method = "change"
        if change >= change_threshold:
            kind = "spike"
        elif change <= -change_threshold:
            kind = "drop"
        else:
            return None
    elif value > MAD_EPSILON and value >= min_volume:
        method, kind = "new", "spike"
    else:
        return None
    return {
        "kind": kind,
        "median": median,
        "mad": mad,
        "score": score,
        "change": change,
        "method": method,
    }


def last_complete_week(day):
    """Monday of the last week (Monday to Sunday) that ended before ``day``."""
    return day - timedelta(days=day.weekday() + 7)


class DmsAnomaly(models.Model):
    _name = "dms.anomaly"
    _description = "Grid Sales Anomaly"
    _inherit = ["mail.thread", "mail.activity.mixin", "dms.state.guard.mixin"]
    _order = "week_start desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    include_subgrids = fields.Boolean(
        string="Sub-grids Included",
        readonly=True,
        help="The figures include the orders of the grid's sub-grids.",
    )
    level = fields.Selection(
        [("product", "Product"), ("category", "Product Category")],
        string="Analysed Per",
        required=True,
        readonly=True,
        default="product",
    )
    product_id = fields.Many2one(
        "product.product", index=True, readonly=True, ondelete="cascade"
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    week_start = fields.Date(
        string="Week",
        required=True,
        index=True,
        readonly=True,
        help="Monday of the analysed week.",
    )
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    measure = fields.Selection(
        [("qty", "Quantity"), ("amount", "Untaxed Amount")],
        required=True,
        readonly=True,
        default="qty",
    )
    week_qty = fields.Float(
        string="Week Quantity", digits="Product Unit of Measure", readonly=True
    )
    week_amount = fields.Monetary(string="Week Untaxed Amount", readonly=True)
    week_value = fields.Float(readonly=True, help="The week, in the analysed measure.")
    baseline_median = fields.Float(readonly=True)
    baseline_mad = fields.Float(
        string="Baseline MAD",
        readonly=True,
        help="Median absolute deviation of the baseline weeks from their median.",
    )
    baseline_weeks = fields.Integer(readonly=True)
    score = fields.Float(
        string="Robust Z-score",
        digits=(16, 2),
        readonly=True,
        help="0.6745 × (week − median) / MAD; 0 when the MAD is 0.",
    )
    change_percent = fields.Float(
        string="Change (%)",
        digits=(16, 1),
        readonly=True,
        help="(week − median) / median; 0 when the median is 0.",
    )
    method = fields.Selection(METHODS, string="Detected By", readonly=True)
    threshold = fields.Float(
        readonly=True,
        help="Robust z-score threshold in force when the anomaly was detected, "
        "or the change threshold (%) when the MAD was 0.",
    )
    last_year_value = fields.Float(
        string="Same Week Last Year",
        readonly=True,
        help="The same week 52 weeks earlier, in the analysed measure.",
    )
    has_last_year = fields.Boolean(readonly=True)
    series = fields.Text(
        string="Weekly Series",
        readonly=True,
        help="JSON list of the weekly values, oldest first, the analysed week last.",
    )
    chart = fields.Html(compute="_compute_chart", sanitize=False)
    suggestion = fields.Text(string="Suggested Action", compute="_compute_suggestion")
    state = fields.Selection(
        [("open", "Open"), ("dismissed", "Dismissed"), ("done", "Done")],
        string="Status",
        required=True,
        default="open",
        index=True,
        readonly=True,
        tracking=True,
    )
    dismiss_reason = fields.Text(readonly=True, tracking=True)

    _sql_constraints = [
        (
            "subject_check",
            "CHECK((product_id IS NULL) != (categ_id IS NULL))",
            "A grid anomaly is about a product or a product category.",
        ),
    ]

    def init(self):
        # one anomaly per grid, subject, week and kind, whatever its state: a
        # dismissed anomaly is never re-created by a later detection run
        create_unique_index(
            self.env.cr,
            "dms_anomaly_grid_subject_week_kind_uniq",
            self._table,
            [
                "dms_grid_id",
                "COALESCE(product_id, 0)",
                "COALESCE(categ_id, 0)",
                "week_start",
                "kind",
            ],
        )

    @api.depends("kind", "product_id", "categ_id", "dms_grid_id", "week_start")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for anomaly in self:
            anomaly.display_name = _(
                "%(kind)s: %(subject)s in %(grid)s, week of %(week)s",
                kind=kinds.get(anomaly.kind, ""),
                subject=(anomaly.product_id or anomaly.categ_id).display_name or "",
                grid=anomaly.dms_grid_id.display_name or "",
                week=format_date(self.env, anomaly.week_start),
            )

    def _series_values(self):
        self.ensure_one()
        try:
            values = json.loads(self.series or "[]")
        except ValueError:
            return []
        if not isinstance(values, list):
            return []
        return [float(v) for v in values if isinstance(v, int | float)]

    @api.depends("series", "kind", "baseline_median", "week_start")
    def _compute_chart(self):
        for anomaly in self:
            anomaly.chart = anomaly._chart_svg()

    def _chart_svg(self):
        """A small inline SVG bar chart of the weekly series, built from numbers
        and dates only (nothing typed by a user reaches it unescaped)."""
        self.ensure_one()
        values = self._series_values()
        if not values or not self.week_start:
            return False
        bar, gap, height, top, bottom = 26, 6, 110, 12, 18
        width = len(values) * (bar + gap) + gap
        peak = max(max(values), self.baseline_median, 1e-9)
        scale = (height - top - bottom) / peak
        last_color = "#dc3545" if self.kind == "spike" else "#fd7e14"
        parts = [
            Markup(
                '<svg xmlns="http://www.w3.org/2000/svg" class="o_dms_anomaly_chart" '
                'width="%d" height="%d" viewBox="0 0 %d %d" role="img">'
            )
            % (width, height, width, height)
        ]
        count = len(values)
        for index, value in enumerate(values):
            week = self.week_start - timedelta(weeks=count - 1 - index)
            bar_height = max(value * scale, 1 if value else 0)
            x = gap + index * (bar + gap)
            y = height - bottom - bar_height
            color = last_color if index == count - 1 else "#adb5bd"
            parts.append(
                Markup(
                    '<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s">'
                    "<title>%s: %s</title></rect>"
                    '<text x="%d" y="%d" font-size="9" text-anchor="middle" '
                    'fill="#6c757d">%s</text>'
                )
                % (
                    x,
                    y,
                    bar,
                    bar_height,
                    color,
                    escape(format_date(self.env, week)),
                    escape(f"{value:g}"),
                    x + bar // 2,
                    height - 5,
                    escape(week.strftime("%m-%d")),
                )
            )
        median_y = height - bottom - self.baseline_median * scale
        parts.append(
            Markup(
                '<line x1="0" y1="%.1f" x2="%d" y2="%.1f" stroke="#0d6efd" '
                'stroke-dasharray="4 3"><title>%s</title></line></svg>'
            )
            % (median_y, width, median_y, escape(_("Baseline median")))
        )
        return Markup("").join(parts)

    @api.depends("kind", "level", "dms_grid_id", "product_id", "categ_id")
    def _compute_suggestion(self):
        for anomaly in self:
            subject = (anomaly.product_id or anomaly.categ_id).display_name or ""
            warehouse = anomaly._suggestion_warehouse_name()
            grid = anomaly.dms_grid_id.display_name or ""
            if anomaly.kind == "spike":
                anomaly.suggestion = _(
                    "Demand for %(subject)s in %(grid)s is well above usual: move "
                    "stock to %(warehouse)s before it runs out, and check whether "
                    "a one-off order or a competitor's shortage explains it.",
                    subject=subject,
                    grid=grid,
                    warehouse=warehouse,
                )
            elif anomaly.kind == "drop":
                anomaly.suggestion = _(
                    "Sales of %(subject)s in %(grid)s fell well below usual: ask "
                    "the grid's distributors why, create a promotion for the grid, "
                    "or move the stock of %(warehouse)s where it sells.",
                    subject=subject,
                    grid=grid,
                    warehouse=warehouse,
                )
            else:
                anomaly.suggestion = False

    def _suggestion_warehouse_name(self):
        """The warehouse the suggested action speaks of. Without grid
        warehouses (the stock add-on and its bridge give the grid's serving
        warehouse), a generic phrase."""
        self.ensure_one()
        return _("its serving warehouse")

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_dismiss(self):
        """Ask for the reason of the dismissal."""
        if self.filtered(lambda a: a.state != "open"):
            raise UserError(_("Only open anomalies can be dismissed."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Dismiss Anomaly"),
            "res_model": "dms.anomaly.dismiss.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_anomaly_ids": [Command.set(self.ids)]},
        }

    @state_action
    def _dismiss(self, reason):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason for dismissing the anomaly."))
        if self.filtered(lambda a: a.state != "open"):
            raise UserError(_("Only open anomalies can be dismissed."))
        self.check_access("write")
        self.write({"state": "dismissed", "dismiss_reason": reason})
        self.activity_feedback(["mail.mail_activity_data_todo"], feedback=reason)

    @state_action
    def action_done(self):
        if self.filtered(lambda a: a.state != "open"):
            raise UserError(_("Only open anomalies can be marked as done."))
        self.write({"state": "done"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    @state_action
    def action_reopen(self):
        if self.filtered(lambda a: a.state == "open"):
            raise UserError(_("The anomaly is already open."))
        self.write({"state": "open", "dismiss_reason": False})
        return True

    # ------------------------------------------------------------------
    # Suggested actions
    # ------------------------------------------------------------------
    def action_view_orders(self):
        """The confirmed orders of the analysed week behind the figures."""
        self.ensure_one()
        date_from, date_to = self._week_bounds_utc(
            self.company_id, self.week_start, self.week_start + timedelta(days=7)
        )
        subject = (
            [("order_line.product_id", "=", self.product_id.id)]
            if self.product_id
            else [("order_line.product_id.categ_id", "=", self.categ_id.id)]
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Orders of the Week"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [
                (
                    "dms_grid_id",
                    "child_of" if self.include_subgrids else "=",
                    self.dms_grid_id.id,
                ),
                ("state", "=", "sale"),
                ("date_order", ">=", fields.Datetime.to_string(date_from)),
                ("date_order", "<", fields.Datetime.to_string(date_to)),
                *subject,
            ],
        }

    # ------------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------------
    @api.model
    def _week_bounds_utc(self, company, *days):
        """UTC datetimes of the local midnights of ``days``, in the timezone of
        the company's address (UTC if it has none)."""
        return tuple(company._dms_date_to_utc(day) for day in days)

    @api.model
    def _series_query(self, company, grid_ids, week_start, settings):
        """One aggregate over the confirmed order lines: a row per grid ×
        product (or category) sold in the analysed window, with the analysed
        measure of every week, oldest first (missing weeks are 0), then the
        quantity and the amount of the analysed week, then the same week last
        year (0 when not asked for).

        Weeks run from Monday to Sunday in the timezone of the company's
        address; their bounds are computed here once, in UTC, so that the
        database compares timestamps only."""
        weeks = settings["weeks"]
        mondays = [week_start - timedelta(weeks=ago) for ago in range(weeks, -2, -1)]
        bounds = self._week_bounds_utc(company, *mondays)
        qty = SQL("l.product_uom_qty / lu.factor * pu.factor")
        amount = SQL("l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1)")
        measure = qty if settings["measure"] == "qty" else amount

        def in_week(start, end):
            return SQL("o.date_order >= %s AND o.date_order < %s", start, end)

        columns = [
            SQL("COALESCE(sum(%s) FILTER (WHERE %s), 0)", measure, in_week(*pair))
            for pair in zip(bounds, bounds[1:], strict=False)
        ]
        last_week = in_week(bounds[-2], bounds[-1])
        columns.append(SQL("COALESCE(sum(%s) FILTER (WHERE %s), 0)", qty, last_week))
        columns.append(SQL("COALESCE(sum(%s) FILTER (WHERE %s), 0)", amount, last_week))
        ranges = [in_week(bounds[0], bounds[-1])]
        if settings["last_year"]:
            last_year = in_week(
                *self._week_bounds_utc(
                    company,
                    week_start - timedelta(weeks=52),
                    week_start - timedelta(weeks=51),
                )
            )
            ranges.append(last_year)
            columns.append(
                SQL("COALESCE(sum(%s) FILTER (WHERE %s), 0)", measure, last_year)
            )
        else:
            columns.append(SQL("0"))
        if settings["rollup"]:
            grid_join = SQL(
                "JOIN dms_grid g ON g.id = o.dms_grid_id "
                "CROSS JOIN LATERAL unnest(string_to_array(rtrim(g.parent_path, "
                "'/'), '/')::int[]) AS anc(grid_id)"
            )
            grid_expr = SQL("anc.grid_id")
        else:
            grid_join = SQL("")
            grid_expr = SQL("o.dms_grid_id")
        key_expr = SQL(
            "l.product_id" if settings["level"] == "product" else "t.categ_id"
        )
        return SQL(
            """
            SELECT %(grid)s, %(key)s, %(columns)s
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              JOIN uom_uom lu ON lu.id = l.product_uom
              JOIN uom_uom pu ON pu.id = t.uom_id
              %(grid_join)s
             WHERE o.state = 'sale'
               AND o.company_id = %(company)s
               AND (%(ranges)s)
               AND %(grid)s = ANY(%(grids)s)
               AND l.display_type IS NULL
               AND l.is_downpayment IS NOT TRUE
               %(no_rewards)s
          GROUP BY 1, 2
            HAVING %(having)s
            """,
            grid=grid_expr,
            key=key_expr,
            columns=SQL(", ").join(columns),
            grid_join=grid_join,
            company=company.id,
            ranges=SQL(" OR ").join(SQL("(%s)", r) for r in ranges),
            grids=list(grid_ids),
            no_rewards=SQL("AND l.reward_id IS NULL")
            if self._has_reward_lines()
            else SQL(""),
            having=self._series_having(columns[:weeks], columns[weeks], settings),
        )

    @api.model
    def _has_reward_lines(self):
        """Whether order lines may be promotion rewards (sale_loyalty is
        installed): a reward line is no sale of a product, the series leave
        it out."""
        return "reward_id" in self.env["sale.order.line"]._fields

    @api.model
    def _series_having(self, baseline, week, settings):
        """Keep only the series that may be anomalies, for the database to
        return and Python to score as few rows as possible; exact for weekly
        values that are not negative, since the median lies between the lowest
        and the highest baseline week:

        - a week and a median both below the minimum volume are ignored, so
          some week must reach it;
        - a spike is at least the minimum change above the median, so above
          the lowest week by as much (a median of 0 lets any week through);
        - a drop is at least the minimum change below the median, so below
          the highest week by as much.
        """
        change = settings["change_threshold"] / 100
        return SQL(
            "GREATEST(%(all)s) >= %(min_volume)s AND (%(week)s >= LEAST(%(baseline)s) "
            "* %(up)s OR %(week)s <= GREATEST(%(baseline)s) * %(down)s)",
            all=SQL(", ").join([*baseline, week]),
            baseline=SQL(", ").join(baseline),
            week=week,
            min_volume=settings["min_volume"],
            up=1 + change,
            down=1 - change,
        )

    @api.model
    def _settings(self, company):
        return {
            "level": company.dms_anomaly_level,
            "measure": company.dms_anomaly_measure,
            "weeks": company.dms_anomaly_weeks,
            "threshold": company.dms_anomaly_threshold,
            "change_threshold": company.dms_anomaly_change_threshold,
            "min_volume": company.dms_anomaly_min_volume,
            "last_year": company.dms_anomaly_last_year,
            "rollup": company.dms_anomaly_rollup,
        }

    @api.model
    def _score_rows(self, rows, settings):
        """Flag the anomalies among the rows of ``_series_query``: a list of
        (grid id, key id, score dict, series, week qty, week amount, last year)."""
        weeks = settings["weeks"]
        threshold = settings["threshold"]
        change_threshold = settings["change_threshold"]
        min_volume = settings["min_volume"]
        last = 2 + weeks
        found = []
        for row in rows:
            result = score_week(
                row[last], row[2:last], threshold, change_threshold, min_volume
            )
            if result:
                found.append(
                    (row[0], row[1], result, row[2 : last + 1], *row[last + 1 :])
                )
        return found

    @api.model
    def _detect(self, companies=None, grids=None, week_start=None):
        """Analyse the week starting ``week_start`` (default: the last complete
        week) for ``grids`` (default: every active grid of ``companies``,
        default every company). Returns the new anomalies; anomalies already
        recorded for the same grid, subject, week and kind, dismissed or not,
        are left as they are."""
        Grid = self.env["dms.grid"].sudo()
        if grids is None:
            domain = [("company_id", "in", companies.ids)] if companies else []
            grids = Grid.search(domain)
        else:
            grids = grids.sudo()
        self.env["sale.order"].flush_model(
            ["state", "company_id", "date_order", "dms_grid_id", "currency_rate"]
        )
        self.env["sale.order.line"].flush_model(
            [
                "order_id",
                "product_id",
                "product_uom",
                "product_uom_qty",
                "price_subtotal",
                "display_type",
                "is_downpayment",
                *(["reward_id"] if self._has_reward_lines() else []),
            ]
        )
        self.env["dms.grid"].flush_model(["parent_path"])
        self.flush_model()
        created = self.browse()
        # the weekly series of a batch of grids are grouped in memory: without
        # room the hash aggregate spills to disk and takes twice as long
        self.env.cr.execute(SQL("SET LOCAL work_mem = %s", ANOMALY_WORK_MEM))
        for company in grids.company_id:
            company_grids = grids.filtered(lambda g, c=company: g.company_id == c)
            settings = self._settings(company)
            # the last complete week of the company's calendar, the one its
            # week bounds are computed in: never the cron user's day
            week = week_start or last_complete_week(company._dms_today())
            cr = self.env.cr
            cr.execute(self._series_query(company, company_grids.ids, week, settings))
            found = []
            while rows := cr.fetchmany(20000):
                found += self._score_rows(rows, settings)
            created |= self._create_anomalies(company, week, settings, found)
        return created

    @api.model
    def _create_anomalies(self, company, week_start, settings, found):
        if not found:
            return self.browse()
        subject = "product_id" if settings["level"] == "product" else "categ_id"
        self.env.cr.execute(
            SQL(
                "SELECT dms_grid_id, %s, kind FROM dms_anomaly "
                "WHERE week_start = %s AND dms_grid_id = ANY(%s)",
                SQL.identifier(subject),
                week_start,
                list({item[0] for item in found}),
            )
        )
        known = set(self.env.cr.fetchall())
        vals_list = []
        for grid_id, key_id, result, series, qty, amount, last_year in found:
            if (grid_id, key_id, result["kind"]) in known:
                continue
            vals_list.append(
                {
                    "company_id": company.id,
                    "dms_grid_id": grid_id,
                    "include_subgrids": settings["rollup"],
                    "level": settings["level"],
                    subject: key_id,
                    "week_start": week_start,
                    "kind": result["kind"],
                    "measure": settings["measure"],
                    "week_qty": qty,
                    "week_amount": company.currency_id.round(amount),
                    "week_value": series[-1],
                    "baseline_median": result["median"],
                    "baseline_mad": result["mad"],
                    "baseline_weeks": settings["weeks"],
                    "score": result["score"],
                    "change_percent": result["change"],
                    "method": result["method"],
                    "threshold": settings["change_threshold"]
                    if result["method"] == "change"
                    else settings["threshold"],
                    "last_year_value": last_year,
                    "has_last_year": settings["last_year"],
                    "series": json.dumps([round(v, 4) for v in series]),
                }
            )
        if not vals_list:
            return self.browse()
        anomalies = (
            self.sudo()
            .with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            )
            .create(vals_list)
        )
        anomalies._schedule_manager_activities()
        return anomalies.with_env(self.env)

    def _grid_managers(self):
        """{grid: managers}: the grid's own managers, or those of its nearest
        ancestor that has some (they see the grid through their sub-grids)."""
        grids = self.dms_grid_id
        ancestor_ids = {
            int(part)
            for path in grids.mapped("parent_path")
            for part in (path or "").split("/")
            if part
        }
        ancestors = self.env["dms.grid"].sudo().browse(ancestor_ids)
        ancestors.mapped("manager_ids.active")
        managers = {}
        for grid in grids:
            chain = [int(part) for part in (grid.parent_path or "").split("/") if part]
            users = self.env["res.users"]
            for grid_id in reversed(chain):
                users = ancestors.browse(grid_id).manager_ids.filtered("active")
                if users:
                    break
            managers[grid] = users
        return managers

    def _schedule_manager_activities(self):
        """One to-do per anomaly and manager of its grid, created at once."""
        managers = self._grid_managers()
        activity_type = self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        summary = _("Check this grid anomaly")
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": anomaly.id,
                "activity_type_id": activity_type.id if activity_type else False,
                "summary": summary,
                "user_id": user.id,
                "date_deadline": anomaly.company_id._dms_today(),
                "automated": True,
            }
            for anomaly in self
            for user in managers[anomaly.dms_grid_id]
        ]
        if vals_list:
            # no e-mail per to-do from a nightly batch: the managers find them
            # in their activities
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)

    @api.model
    def _cron_detect(self, batch_size=200):
        """Nightly scan, one batch of grids per call: the scheduler calls again
        at once while grids are left. The position of the scan is kept in a
        system parameter ``<date>|<last grid id>``, a new day starts over."""
        params = self.env["ir.config_parameter"].sudo()
        key = "distribution_management.anomaly_scan"
        today = fields.Date.to_string(self.env.company._dms_today())
        day, __, last_id = (params.get_param(key) or "").partition("|")
        last_id = int(last_id) if day == today and last_id.isdigit() else 0
        Grid = self.env["dms.grid"].sudo()
        todo = Grid.search([("id", ">", last_id)], order="id")
        batch = todo[:batch_size]
        if batch:
            self._detect(grids=batch)
            last_id = batch[-1].id
        params.set_param(key, f"{today}|{last_id}")
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(todo) - len(batch)
        )
        return True
