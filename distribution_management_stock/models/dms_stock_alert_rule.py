from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

MAX_VELOCITY_DAYS = 365


class DmsStockAlertRule(models.Model):
    """When to warn that a product runs short in a warehouse.

    A rule covers one product or a whole category (with its sub-categories)
    in one warehouse, given directly or as the serving warehouse of a grid.
    When several rules cover the same product and warehouse, the most
    specific one applies: a product rule before a category rule, a deeper
    category before its parent, a warehouse rule before a grid rule, then the
    sequence.
    """

    _name = "dms.stock.alert.rule"
    _description = "Stock Alert Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product",
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index=True,
        help="The category and its sub-categories.",
    )
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True)
    grid_id = fields.Many2one(
        "dms.grid",
        check_company=True,
        help="Watch the serving warehouse of this grid (its own, or its nearest "
        "ancestor's).",
    )
    effective_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Watched Warehouse",
        compute="_compute_effective_warehouse_id",
        store=True,
        index=True,
    )
    threshold_type = fields.Selection(
        [("quantity", "Minimum quantity"), ("cover", "Days of cover")],
        string="Threshold",
        required=True,
        default="cover",
        help="Minimum quantity: alert when the on-hand quantity falls below it.\n"
        "Days of cover: alert when the on-hand quantity divided by the average "
        "daily outgoing quantity falls below the minimum number of days.",
    )
    min_qty = fields.Float(
        string="Minimum Quantity", digits="Product Unit of Measure", default=0.0
    )
    target_qty = fields.Float(
        string="Target Quantity",
        digits="Product Unit of Measure",
        help="On-hand quantity a replenishment suggestion restores (minimum "
        "quantity rules).",
    )
    min_cover_days = fields.Float(string="Minimum Cover (days)", default=7.0)
    target_cover_days = fields.Float(
        string="Target Cover (days)",
        default=30.0,
        help="Days of cover a replenishment suggestion restores (days of cover "
        "rules); the cover another warehouse keeps for itself when it gives "
        "stock away in a transfer (all rules).",
    )
    velocity_days = fields.Integer(
        string="Sales Velocity Window (days)",
        default=30,
        help="The average daily outgoing quantity is the quantity that left the "
        "warehouse over this many days, divided by the number of days.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain="[('share', '=', False)]",
        help="Receives an activity when an alert opens.",
    )
    group_id = fields.Many2one(
        "res.groups",
        string="Responsible Group",
        help="Every user of this group receives an activity when an alert opens "
        "(when no responsible user is set).",
    )
    alert_ids = fields.One2many("dms.stock.alert", "rule_id", string="Alerts")
    open_alert_count = fields.Integer(compute="_compute_open_alert_count")

    @api.depends("warehouse_id", "grid_id.serving_warehouse_id")
    def _compute_effective_warehouse_id(self):
        for rule in self:
            rule.effective_warehouse_id = (
                rule.warehouse_id or rule.grid_id.serving_warehouse_id
            )

    def _compute_open_alert_count(self):
        groups = self.env["dms.stock.alert"]._read_group(
            [("rule_id", "in", self.ids), ("state", "=", "open")],
            ["rule_id"],
            ["__count"],
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.open_alert_count = counts.get(rule.id, 0)

    @api.constrains("product_id", "categ_id", "warehouse_id", "grid_id")
    def _check_scope(self):
        for rule in self:
            if bool(rule.product_id) == bool(rule.categ_id):
                raise ValidationError(
                    _(
                        "Rule %(rule)s: choose either a product or a product category.",
                        rule=rule.display_name,
                    )
                )
            if bool(rule.warehouse_id) == bool(rule.grid_id):
                raise ValidationError(
                    _(
                        "Rule %(rule)s: choose either a warehouse or a grid.",
                        rule=rule.display_name,
                    )
                )
            if rule.grid_id and not rule.effective_warehouse_id:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: grid %(grid)s has no serving warehouse, "
                        "neither has any of its parent grids.",
                        rule=rule.display_name,
                        grid=rule.grid_id.display_name,
                    )
                )

    @api.constrains(
        "threshold_type",
        "min_qty",
        "target_qty",
        "min_cover_days",
        "target_cover_days",
        "velocity_days",
    )
    def _check_thresholds(self):
        for rule in self:
            if rule.threshold_type == "quantity":
                if rule.min_qty <= 0:
                    raise ValidationError(_("The minimum quantity must be positive."))
                if rule.target_qty < rule.min_qty:
                    raise ValidationError(
                        _("The target quantity cannot be below the minimum quantity.")
                    )
            elif rule.min_cover_days <= 0:
                raise ValidationError(_("The minimum cover must be positive."))
            if rule.target_cover_days < (
                rule.min_cover_days if rule.threshold_type == "cover" else 0
            ):
                raise ValidationError(
                    _("The target cover cannot be below the minimum cover.")
                )
            if not 1 <= rule.velocity_days <= MAX_VELOCITY_DAYS:
                raise ValidationError(
                    _(
                        "The sales velocity window must be between 1 and %(max)s days.",
                        max=MAX_VELOCITY_DAYS,
                    )
                )

    @api.onchange("threshold_type", "min_qty")
    def _onchange_min_qty(self):
        if self.threshold_type == "quantity" and self.target_qty < self.min_qty:
            self.target_qty = self.min_qty * 2

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _levels(self, daily):
        """(threshold, target) on-hand quantities of this rule for an average
        daily outgoing quantity of ``daily``."""
        self.ensure_one()
        if self.threshold_type == "quantity":
            return self.min_qty, max(self.target_qty, self.min_qty)
        return self.min_cover_days * daily, self.target_cover_days * daily

    @api.model
    def _match_pairs(self, pairs):
        """The rule applying to each (product_id, warehouse_id) pair, and the
        open alerts of the pair, in one query.

        Returns {(product_id, warehouse_id): (rule_id or None, [(alert_id,
        rule_id)])}; pairs of archived or non-storable products get no rule.
        """
        if not pairs:
            return {}
        self.flush_model()
        self.env["dms.stock.alert"].flush_model(
            ["state", "rule_id", "product_id", "warehouse_id"]
        )
        self.env["product.product"].flush_model(["product_tmpl_id", "active"])
        self.env["product.template"].flush_model(["categ_id", "is_storable"])
        self.env["product.category"].flush_model(["parent_path"])
        product_ids, warehouse_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                """
                WITH pairs AS (
                    SELECT DISTINCT k.product_id, k.warehouse_id
                      FROM unnest(%(products)s::int[], %(warehouses)s::int[])
                           AS k(product_id, warehouse_id)
                ), winners AS (
                    SELECT DISTINCT ON (pairs.product_id, pairs.warehouse_id)
                           pairs.product_id, pairs.warehouse_id, rule.id AS rule_id
                      FROM pairs
                      JOIN product_product pp ON pp.id = pairs.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN product_category pc ON pc.id = pt.categ_id
                      JOIN dms_stock_alert_rule rule
                        ON rule.effective_warehouse_id = pairs.warehouse_id
                       AND rule.active
                 LEFT JOIN product_category rc ON rc.id = rule.categ_id
                     WHERE pp.active AND pt.is_storable
                       AND (rule.product_id = pairs.product_id
                            OR (rule.product_id IS NULL
                                AND starts_with(pc.parent_path, rc.parent_path)))
                  ORDER BY pairs.product_id, pairs.warehouse_id,
                           rule.product_id IS NULL,
                           length(rc.parent_path) DESC NULLS LAST,
                           rule.warehouse_id IS NULL,
                           rule.sequence, rule.id
                )
                SELECT pairs.product_id, pairs.warehouse_id, winners.rule_id,
                       COALESCE(
                           (SELECT array_agg(ARRAY[alert.id, alert.rule_id])
                              FROM dms_stock_alert alert
                             WHERE alert.state = 'open'
                               AND alert.product_id = pairs.product_id
                               AND alert.warehouse_id = pairs.warehouse_id),
                           '{}')
                  FROM pairs
             LEFT JOIN winners ON winners.product_id = pairs.product_id
                              AND winners.warehouse_id = pairs.warehouse_id
                """,
                products=list(product_ids),
                warehouses=list(warehouse_ids),
            )
        )
        return {
            (product_id, warehouse_id): (rule_id, [tuple(pair) for pair in alerts])
            for product_id, warehouse_id, rule_id, alerts in self.env.cr.fetchall()
        }

    @api.model
    def _all_pairs(self):
        """Every (product_id, warehouse_id) pair an active rule covers."""
        self.flush_model()
        self.env["product.product"].flush_model(["product_tmpl_id", "active"])
        self.env["product.template"].flush_model(["categ_id", "is_storable"])
        self.env["product.category"].flush_model(["parent_path"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT pp.id, rule.effective_warehouse_id
                  FROM dms_stock_alert_rule rule
                  JOIN product_product pp ON pp.active
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_category pc ON pc.id = pt.categ_id
             LEFT JOIN product_category rc ON rc.id = rule.categ_id
                 WHERE rule.active AND pt.is_storable
                   AND rule.effective_warehouse_id IS NOT NULL
                   AND (rule.product_id = pp.id
                        OR (rule.product_id IS NULL
                            AND starts_with(pc.parent_path, rc.parent_path)))
                """
            )
        )
        return set(self.env.cr.fetchall())

    def action_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_stock.action_dms_stock_alert"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action
