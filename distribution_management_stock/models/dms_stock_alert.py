import logging
import math

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero, float_round, split_every

from odoo.addons.distribution_management.models.dms_state_guard import state_action

_logger = logging.getLogger(__name__)

# computed from the quants and moves when read, never stored
FIGURE_FIELDS = [
    "qty_on_hand",
    "daily_demand",
    "cover_days",
    "threshold_qty",
    "suggested_qty",
    "suggestion_note",
]
# (product, warehouse) pairs evaluated per batch of the nightly full scan
FULL_SCAN_BATCH = 1000


def fmt_qty(value):
    """A quantity for a message: 2 decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def quantity_step(uom):
    """Smallest quantity suggested or allocated in ``uom``: whole units for
    the units category (Odoo rounds Units to 0.01), else the UoM rounding."""
    unit_category = uom.env.ref("uom.product_uom_categ_unit", raise_if_not_found=False)
    if uom.category_id == unit_category:
        return max(uom.rounding, 1.0)
    return uom.rounding


class DmsStockAlert(models.Model):
    """A product running short in a warehouse, under a rule.

    At most one alert is open per rule, product and warehouse (a partial
    unique index enforces it, even between concurrent transactions). The
    alert opens and closes by itself: every done stock move re-evaluates
    the product and warehouses it touched, and a nightly scan re-evaluates
    everything. The figures at opening are kept; the current figures and
    the suggestion are computed when displayed, never stored.
    """

    _name = "dms.stock.alert"
    _description = "Stock Alert"
    _inherit = ["mail.thread", "mail.activity.mixin", "dms.state.guard.mixin"]
    _order = "state desc, date_open desc, id desc"
    _check_company_auto = True

    rule_id = fields.Many2one(
        "dms.stock.alert.rule",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, index=True
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    threshold_type = fields.Selection(related="rule_id.threshold_type")
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        string="Status",
        required=True,
        default="open",
        readonly=True,
        index=True,
        tracking=True,
    )
    close_reason = fields.Selection(
        [
            ("restocked", "Stock back above the threshold"),
            ("rule", "The rule no longer applies"),
        ],
        readonly=True,
        tracking=True,
    )
    date_open = fields.Datetime(
        string="Opened On", required=True, readonly=True, default=fields.Datetime.now
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    open_qty_on_hand = fields.Float(
        string="On Hand at Opening", digits="Product Unit of Measure", readonly=True
    )
    open_daily_demand = fields.Float(
        string="Daily Outgoing at Opening",
        digits="Product Unit of Measure",
        readonly=True,
    )
    open_threshold_qty = fields.Float(
        string="Threshold at Opening", digits="Product Unit of Measure", readonly=True
    )
    qty_on_hand = fields.Float(
        string="On Hand",
        digits="Product Unit of Measure",
        compute="_compute_figures",
        help="Quantity in the internal locations of the warehouse.",
    )
    daily_demand = fields.Float(
        string="Average Daily Outgoing",
        digits="Product Unit of Measure",
        compute="_compute_figures",
        help="Quantity that left the warehouse over the rule's velocity window, "
        "divided by the number of days of the window.",
    )
    cover_days = fields.Float(
        string="Days of Cover",
        digits=(16, 1),
        compute="_compute_figures",
        help="On hand divided by the average daily outgoing quantity; 0 when "
        "nothing went out.",
    )
    threshold_qty = fields.Float(
        string="Threshold Quantity",
        digits="Product Unit of Measure",
        compute="_compute_figures",
        help="The rule's minimum quantity, or its minimum days of cover times the "
        "average daily outgoing quantity.",
    )
    suggested_qty = fields.Float(
        string="Suggested Quantity",
        digits="Product Unit of Measure",
        compute="_compute_figures",
        help="Target - on hand, rounded up to the unit of measure, where the "
        "target is the rule's target quantity (minimum quantity rules) or its "
        "target days of cover times the average daily outgoing quantity (days "
        "of cover rules).",
    )
    suggestion_note = fields.Char(
        string="How the Suggestion Is Computed", compute="_compute_figures"
    )
    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", string="Reordering Rule", readonly=True
    )
    picking_ids = fields.Many2many(
        "stock.picking", string="Transfers", readonly=True, copy=False
    )
    picking_count = fields.Integer(compute="_compute_picking_count")

    def init(self):
        # one open alert per rule, product and warehouse, even between
        # concurrent transactions; closed alerts are history
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS dms_stock_alert_open_uniq "
                "ON dms_stock_alert (rule_id, product_id, warehouse_id) "
                "WHERE state = 'open'"
            )
        )

    @api.depends("product_id", "warehouse_id")
    def _compute_display_name(self):
        for alert in self:
            alert.display_name = _(
                "%(product)s in %(warehouse)s",
                product=alert.product_id.display_name,
                warehouse=alert.warehouse_id.name,
            )

    def _compute_picking_count(self):
        for alert in self:
            alert.picking_count = len(alert.picking_ids)

    def _compute_figures(self):
        alerts = self.filtered("id")
        figures = self._stock_figures(
            {
                (
                    alert.product_id.id,
                    alert.warehouse_id.id,
                    alert.rule_id.velocity_days,
                )
                for alert in alerts
            }
        )
        for alert in self:
            if alert not in alerts:
                alert.update(
                    {
                        "qty_on_hand": 0.0,
                        "daily_demand": 0.0,
                        "cover_days": 0.0,
                        "threshold_qty": 0.0,
                        "suggested_qty": 0.0,
                        "suggestion_note": False,
                    }
                )
                continue
            rule = alert.rule_id
            on_hand, _reserved, outgoing = figures[
                (alert.product_id.id, alert.warehouse_id.id, rule.velocity_days)
            ]
            daily = outgoing / rule.velocity_days
            threshold, target = rule._levels(daily)
            alert.qty_on_hand = on_hand
            alert.daily_demand = daily
            alert.cover_days = on_hand / daily if daily else 0.0
            alert.threshold_qty = threshold
            alert.suggested_qty = alert._round_up(target - on_hand)
            if rule.threshold_type == "quantity":
                alert.suggestion_note = _(
                    "Target quantity %(target)s - on hand %(on_hand)s",
                    target=fmt_qty(target),
                    on_hand=fmt_qty(on_hand),
                )
            else:
                alert.suggestion_note = _(
                    "%(days)s days x %(daily)s per day (%(outgoing)s out in "
                    "%(window)s days) - on hand %(on_hand)s",
                    days=fmt_qty(rule.target_cover_days),
                    daily=fmt_qty(daily),
                    outgoing=fmt_qty(outgoing),
                    window=rule.velocity_days,
                    on_hand=fmt_qty(on_hand),
                )

    def _round_up(self, quantity):
        """``quantity`` rounded up to the product's unit, never negative."""
        self.ensure_one()
        rounding = quantity_step(self.product_id.uom_id)
        # drop float noise first: 110 / 14 * 14 - 40 must give 70, not 71
        quantity = float_round(quantity, precision_digits=6)
        if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
            return 0.0
        return float_round(quantity, precision_rounding=rounding, rounding_method="UP")

    # ------------------------------------------------------------------
    # Stock figures
    # ------------------------------------------------------------------
    @api.model
    def _stock_figures(self, keys):
        """On hand, reserved and outgoing quantities, in one query.

        ``keys`` are (product_id, warehouse_id, days) triples; returns
        {key: (on_hand, reserved, outgoing)} where on hand and reserved are
        summed over the quants of the internal locations under the
        warehouse's view location, and outgoing is the quantity of the done
        move lines that left those locations for a location outside the
        warehouse over the last ``days`` days, in the product's unit.
        """
        if not keys:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.move.line"].flush_model(
            [
                "product_id",
                "location_id",
                "location_dest_id",
                "quantity_product_uom",
                "state",
                "date",
            ]
        )
        self.env["stock.location"].flush_model(["parent_path", "usage"])
        self.env["stock.warehouse"].flush_model(["view_location_id"])
        product_ids, warehouse_ids, days = zip(*keys, strict=True)
        self.env.cr.execute(
            SQL(
                """
                SELECT k.product_id, k.warehouse_id, k.days,
                       COALESCE(quants.on_hand, 0), COALESCE(quants.reserved, 0),
                       COALESCE(
                           (SELECT SUM(ml.quantity_product_uom)
                              FROM stock_move_line ml
                              JOIN stock_location src ON src.id = ml.location_id
                              JOIN stock_location dst ON dst.id = ml.location_dest_id
                             WHERE ml.product_id = k.product_id
                               AND ml.state = 'done'
                               AND ml.date >= %(now)s - make_interval(days => k.days)
                               AND src.usage = 'internal'
                               AND starts_with(src.parent_path,
                                               wh_view.parent_path)
                               AND NOT starts_with(dst.parent_path,
                                                   wh_view.parent_path)),
                           0)
                  FROM unnest(%(products)s::int[], %(warehouses)s::int[],
                              %(days)s::int[]) AS k(product_id, warehouse_id, days)
                  JOIN stock_warehouse wh ON wh.id = k.warehouse_id
                  JOIN stock_location wh_view ON wh_view.id = wh.view_location_id
             LEFT JOIN LATERAL (
                       SELECT SUM(quant.quantity) AS on_hand,
                              SUM(quant.reserved_quantity) AS reserved
                         FROM stock_quant quant
                         JOIN stock_location loc ON loc.id = quant.location_id
                        WHERE quant.product_id = k.product_id
                          AND loc.usage = 'internal'
                          AND starts_with(loc.parent_path, wh_view.parent_path)
                       ) quants ON TRUE
                """,
                now=fields.Datetime.now(),
                products=list(product_ids),
                warehouses=list(warehouse_ids),
                days=list(days),
            )
        )
        return {
            (product_id, warehouse_id, days): (on_hand, reserved, outgoing)
            for product_id, warehouse_id, days, on_hand, reserved, outgoing in (
                self.env.cr.fetchall()
            )
        }

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    @api.model
    def _evaluate_pairs(self, pairs):
        """Open and close the alerts of the (product_id, warehouse_id) pairs.

        Two queries when nothing changes: the applicable rules with the open
        alerts, then the stock figures. Returns {"evaluated": pairs that have
        a rule, "opened": alerts, "closed": alerts}.
        """
        pairs = set(pairs)
        matches = self.env["dms.stock.alert.rule"]._match_pairs(pairs)
        rules = self.env["dms.stock.alert.rule"].browse(
            {rule_id for rule_id, _alerts in matches.values() if rule_id}
        )
        velocity = {rule.id: rule.velocity_days for rule in rules}
        figures = self._stock_figures(
            {
                (product_id, warehouse_id, velocity[rule_id])
                for (product_id, warehouse_id), (rule_id, _alerts) in matches.items()
                if rule_id
            }
        )
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        to_open, to_close, restocked = [], [], set()
        for (product_id, warehouse_id), (rule_id, open_alerts) in matches.items():
            breach = None
            if rule_id:
                rule = rules.browse(rule_id)
                on_hand, _reserved, outgoing = figures[
                    (product_id, warehouse_id, rule.velocity_days)
                ]
                daily = outgoing / rule.velocity_days
                threshold, _target = rule._levels(daily)
                if float_compare(on_hand, threshold, precision_digits=precision) < 0:
                    breach = (on_hand, daily, threshold)
            for alert_id, alert_rule_id in open_alerts:
                if alert_rule_id != rule_id or not breach:
                    to_close.append(alert_id)
                    if alert_rule_id == rule_id:
                        restocked.add(alert_id)
            if breach and rule_id not in {r for _a, r in open_alerts}:
                to_open.append((rule, product_id, warehouse_id, breach))
        closed = self.browse(to_close)
        if closed:
            closed._close(restocked)
        opened = self._open(to_open) if to_open else self.browse()
        return {
            "evaluated": {pair for pair, (rule_id, _a) in matches.items() if rule_id},
            "opened": opened,
            "closed": closed,
        }

    @api.model
    def _open(self, breaches):
        """Create the alerts of ``breaches`` [(rule, product_id, warehouse_id,
        (on_hand, daily, threshold))] and schedule their activities.

        A concurrent transaction may open the same alert first: the unique
        index then refuses ours, which is skipped, never failing the stock
        operation that triggered the evaluation."""
        vals_list = [
            {
                "rule_id": rule.id,
                "product_id": product_id,
                "warehouse_id": warehouse_id,
                "company_id": rule.company_id.id,
                "open_qty_on_hand": on_hand,
                "open_daily_demand": daily,
                "open_threshold_qty": threshold,
            }
            for rule, product_id, warehouse_id, (on_hand, daily, threshold) in breaches
        ]
        Alert = self.with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
        try:
            with self.env.cr.savepoint():
                alerts = Alert.create(vals_list)
        except psycopg2.IntegrityError:
            alerts = self.browse()
            for vals in vals_list:
                try:
                    with self.env.cr.savepoint():
                        alerts |= Alert.create(vals)
                except psycopg2.IntegrityError:
                    _logger.info("Stock alert already opened concurrently: %s", vals)
        alerts._notify_opening()
        return alerts

    def _notify_opening(self):
        for alert in self:
            rule = alert.rule_id
            uom = alert.product_id.uom_id.name
            message = _(
                "Alert opened: %(on_hand)s %(uom)s on hand, below the threshold of "
                "%(threshold)s %(uom)s (rule %(rule)s).",
                on_hand=fmt_qty(alert.open_qty_on_hand),
                threshold=fmt_qty(alert.open_threshold_qty),
                uom=uom,
                rule=rule.name,
            )
            alert.message_post(body=message)
            users = rule.user_id or rule.group_id.users.filtered(
                lambda user: not user.share
            )
            for user in users:
                alert.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Stock alert: %(alert)s", alert=alert.display_name),
                    note=message,
                    user_id=user.id,
                )

    @state_action
    def _close(self, restocked_ids=()):
        """Close these alerts: restocked (the ids of ``restocked_ids``) or
        because their rule no longer applies."""
        now = fields.Datetime.now()
        for reason in ("restocked", "rule"):
            alerts = self.filtered(
                lambda alert, r=reason: (
                    (alert.id in restocked_ids) == (r == "restocked")
                )
            )
            if not alerts:
                continue
            alerts.write(
                {"state": "closed", "close_reason": reason, "date_closed": now}
            )
            feedback = (
                _("Stock is back above the threshold.")
                if reason == "restocked"
                else _("The rule no longer applies to this product and warehouse.")
            )
            for alert in alerts:
                alert.message_post(body=_("Alert closed: %(why)s", why=feedback))
            alerts.activity_ids.action_feedback(feedback=feedback)

    @api.model
    def _cron_full_scan(self, batch_size=FULL_SCAN_BATCH):
        """Re-evaluate every pair a rule covers and every open alert, in
        batches, reporting the progress to the scheduler."""
        pairs = self.env["dms.stock.alert.rule"]._all_pairs()
        self.flush_model(["state", "product_id", "warehouse_id"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT product_id, warehouse_id FROM dms_stock_alert "
                "WHERE state = 'open'"
            )
        )
        pairs |= set(self.env.cr.fetchall())
        ordered = sorted(pairs)
        done = 0
        result = {"evaluated": set(), "opened": self.browse(), "closed": self.browse()}
        for batch in split_every(batch_size, ordered, list):
            outcome = self._evaluate_pairs(batch)
            for key in result:
                result[key] |= outcome[key]
            done += len(batch)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(ordered) - done
            )
        return result

    # ------------------------------------------------------------------
    # Suggestions
    # ------------------------------------------------------------------
    def _check_open(self):
        for alert in self:
            if alert.state != "open":
                raise UserError(
                    _("Alert %(alert)s is closed.", alert=alert.display_name)
                )

    def action_apply_orderpoint(self):
        """Create or update the reordering rule of the product in the
        warehouse: minimum = the alert's threshold, maximum = its target."""
        self.ensure_one()
        self.check_access("write")
        self._check_open()
        self.invalidate_recordset(FIGURE_FIELDS)  # the rule may have changed
        threshold = self.threshold_qty
        target = self._round_up(self.qty_on_hand + self.suggested_qty)
        target = max(target, self._round_up(threshold))
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        orderpoints = Orderpoint.search(
            [
                ("product_id", "=", self.product_id.id),
                ("warehouse_id", "=", self.warehouse_id.id),
                ("company_id", "=", self.company_id.id),
            ]
        )
        orderpoint = (
            orderpoints.filtered(
                lambda op: op.location_id == self.warehouse_id.lot_stock_id
            )[:1]
            or orderpoints[:1]
        )
        vals = {
            "product_min_qty": self._round_up(threshold),
            "product_max_qty": target,
        }
        if orderpoint:
            orderpoint.write(vals)
            message = _(
                "Reordering rule %(orderpoint)s updated: minimum %(min)s, maximum "
                "%(max)s.",
                orderpoint=orderpoint.display_name,
                min=vals["product_min_qty"],
                max=vals["product_max_qty"],
            )
        else:
            orderpoint = Orderpoint.create(
                dict(
                    vals,
                    product_id=self.product_id.id,
                    warehouse_id=self.warehouse_id.id,
                    location_id=self.warehouse_id.lot_stock_id.id,
                    company_id=self.company_id.id,
                )
            )
            message = _(
                "Reordering rule %(orderpoint)s created: minimum %(min)s, maximum "
                "%(max)s.",
                orderpoint=orderpoint.display_name,
                min=vals["product_min_qty"],
                max=vals["product_max_qty"],
            )
        self.orderpoint_id = orderpoint
        self.message_post(body=message)
        return {
            "type": "ir.actions.act_window",
            "name": _("Reordering Rule"),
            "res_model": "stock.warehouse.orderpoint",
            "view_mode": "list",
            "domain": [("id", "=", orderpoint.id)],
        }

    def _transfer_source(self):
        """The best warehouse to take the suggested quantity from.

        Every other warehouse of the company is a candidate. Each keeps for
        itself the rule's target days of cover of its own average daily
        outgoing quantity (and, when a rule watches it for this product, that
        rule's target); its surplus is its free quantity (on hand - reserved)
        above what it keeps. The candidate with the largest surplus wins (then
        the longest cover). Returns (warehouse, quantity, explanation) or
        raises a UserError when no warehouse has a surplus.
        """
        self.ensure_one()
        rule = self.rule_id
        candidates = (
            self.env["stock.warehouse"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("id", "!=", self.warehouse_id.id),
                ]
            )
        )
        keys = {(self.product_id.id, wh.id, rule.velocity_days) for wh in candidates}
        figures = self._stock_figures(keys)
        own_rules = self.env["dms.stock.alert.rule"]._match_pairs(
            {(self.product_id.id, wh.id) for wh in candidates}
        )
        Rule = self.env["dms.stock.alert.rule"].sudo()
        rounding = quantity_step(self.product_id.uom_id)
        best = None
        for warehouse in candidates:
            on_hand, reserved, outgoing = figures[
                (self.product_id.id, warehouse.id, rule.velocity_days)
            ]
            daily = outgoing / rule.velocity_days
            keep = rule.target_cover_days * daily
            own_rule_id = own_rules[(self.product_id.id, warehouse.id)][0]
            if own_rule_id:
                own_rule = Rule.browse(own_rule_id)
                keep = max(keep, own_rule._levels(outgoing / own_rule.velocity_days)[1])
            surplus = float_round(
                on_hand - reserved - keep,
                precision_rounding=rounding,
                rounding_method="DOWN",
            )
            cover = on_hand / daily if daily else math.inf
            if float_compare(surplus, 0.0, precision_rounding=rounding) <= 0:
                continue
            if best is None or (surplus, cover) > (best[1], best[2]):
                best = (warehouse, surplus, cover, on_hand, reserved, daily, keep)
        if best is None:
            raise UserError(
                _(
                    "No other warehouse has %(product)s beyond what it keeps for "
                    "its own %(days)s days of cover.",
                    product=self.product_id.display_name,
                    days=fmt_qty(rule.target_cover_days),
                )
            )
        warehouse, surplus, _cover, on_hand, reserved, daily, keep = best
        quantity = min(self.suggested_qty, surplus)
        explanation = _(
            "Source %(warehouse)s has the largest surplus: %(on_hand)s on hand - "
            "%(reserved)s reserved - %(keep)s kept (%(daily)s per day) = "
            "%(surplus)s; %(quantity)s of the suggested %(suggested)s are "
            "transferred.",
            warehouse=warehouse.name,
            on_hand=fmt_qty(on_hand),
            reserved=fmt_qty(reserved),
            keep=fmt_qty(keep),
            daily=fmt_qty(daily),
            surplus=fmt_qty(surplus),
            quantity=fmt_qty(quantity),
            suggested=fmt_qty(self.suggested_qty),
        )
        return warehouse, quantity, explanation

    def action_create_transfer(self):
        """Create an internal transfer of the suggested quantity (at most the
        source's surplus) from the warehouse with the largest surplus."""
        self.ensure_one()
        self.check_access("write")
        self._check_open()
        self.invalidate_recordset(FIGURE_FIELDS)  # the rule may have changed
        if float_is_zero(
            self.suggested_qty, precision_rounding=self.product_id.uom_id.rounding
        ):
            raise UserError(_("Nothing to transfer: the suggested quantity is zero."))
        source, quantity, explanation = self._transfer_source()
        picking = self.env["stock.picking"]._dms_create_internal_transfer(
            source,
            self.warehouse_id,
            [(self.product_id, quantity)],
            origin=self.display_name,
        )
        self.picking_ids = [fields.Command.link(picking.id)]
        self.message_post(
            body=_(
                "Transfer %(picking)s created. %(explanation)s",
                picking=picking.name,
                explanation=explanation,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "view_mode": "form",
            "res_id": picking.id,
        }

    def action_view_pickings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Transfers"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", self.picking_ids.ids)],
        }
