from typing import NamedTuple

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class RuleData(NamedTuple):
    id: int
    sequence: int
    date_from: object
    date_to: object
    tier_ids: frozenset
    product_ids: frozenset
    categ_paths: tuple
    base: str
    rule_type: str
    rate: float
    fixed_amount: float
    sections: tuple
    shares: tuple


class DmsCommissionRuleCacheMixin(models.AbstractModel):
    """Any change to the rules or their sections clears the cached rule table."""

    _name = "dms.commission.rule.cache.mixin"
    _description = "Commission Rule Cache"

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()


class DmsCommissionRule(models.Model):
    _name = "dms.commission.rule"
    _inherit = ["dms.commission.rule.cache.mixin"]
    _description = "Commission Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Valid From")
    date_to = fields.Date(string="Valid Until")
    tier_ids = fields.Many2many(
        "dms.tier",
        string="Tiers",
        help="Tiers of the distributor credited with the order. Empty: all tiers.",
    )
    product_ids = fields.Many2many("product.product", string="Products")
    categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Categories and their sub-categories.",
    )
    base = fields.Selection(
        [("untaxed", "Untaxed amount"), ("margin", "Margin")],
        required=True,
        default="untaxed",
    )
    rule_type = fields.Selection(
        [
            ("percent", "Percentage"),
            ("fixed_order", "Fixed per order"),
            ("fixed_unit", "Fixed per unit"),
            ("tiered", "Tiered on monthly volume"),
        ],
        string="Type",
        required=True,
        default="percent",
    )
    rate = fields.Float(string="Rate (%)", digits=(16, 4))
    fixed_amount = fields.Monetary()
    section_ids = fields.One2many(
        "dms.commission.rule.section", "rule_id", string="Sections", copy=True
    )
    level1_share = fields.Float(
        string="Level 1 Share (%)",
        default=100.0,
        help="Percentage of the rule's commission paid to the distributor "
        "credited with the order (the seller).",
    )
    level2_share = fields.Float(
        string="Level 2 Share (%)",
        default=0.0,
        help="Percentage of the rule's commission paid to the seller's upline; "
        "at most the level 1 share.",
    )
    level3_share = fields.Float(
        string="Level 3 Share (%)",
        default=0.0,
        help="Percentage of the rule's commission paid to the upline's upline; "
        "at most the level 2 share.",
    )
    total_share = fields.Float(
        string="Paid down the Chain (%)",
        compute="_compute_totals",
        help="Sum of the level shares the company pays (up to its network "
        "depth), as a percentage of the rule's commission.",
    )
    total_rate = fields.Float(
        string="Total Rate (%)",
        digits=(16, 4),
        compute="_compute_totals",
        help="Percentage of the base paid in total to the seller and its upline "
        "(tiered rules: at the highest section).",
    )
    total_fixed_amount = fields.Monetary(
        string="Total Amount",
        compute="_compute_totals",
        help="Amount paid in total to the seller and its upline per order or per unit.",
    )

    @api.depends(
        "rule_type",
        "rate",
        "fixed_amount",
        "section_ids.rate",
        "level1_share",
        "level2_share",
        "level3_share",
        "company_id.dms_max_depth",
    )
    def _compute_totals(self):
        for rule in self:
            shares = (rule.level1_share, rule.level2_share, rule.level3_share)
            depth = min(rule.company_id.dms_max_depth or 3, 3)
            rule.total_share = sum(shares[:depth])
            if rule.rule_type == "tiered":
                rate = max(rule.section_ids.mapped("rate") or [0.0])
            else:
                rate = rule.rate if rule.rule_type == "percent" else 0.0
            rule.total_rate = rate * rule.total_share / 100
            fixed = rule.rule_type in ("fixed_order", "fixed_unit")
            rule.total_fixed_amount = (
                rule.fixed_amount * rule.total_share / 100 if fixed else 0.0
            )

    @api.constrains(
        "rate", "fixed_amount", "level1_share", "level2_share", "level3_share"
    )
    def _check_values(self):
        for rule in self:
            values = (rule.rate, rule.fixed_amount, rule.level1_share)
            if min(values + (rule.level2_share, rule.level3_share)) < 0:
                raise ValidationError(
                    _("Commission rates and shares cannot be negative.")
                )
            if (
                rule.rate > 100
                or max(rule.level1_share, rule.level2_share, rule.level3_share) > 100
            ):
                raise ValidationError(_("Rates and shares are at most 100 %."))
            # anti-pyramid guard: the seller earns most, each upline level at
            # most what the level below it earns
            if (
                float_compare(rule.level2_share, rule.level1_share, precision_digits=4)
                > 0
                or float_compare(
                    rule.level3_share, rule.level2_share, precision_digits=4
                )
                > 0
            ):
                raise ValidationError(
                    _(
                        "Rule %(rule)s: an upline level cannot earn a larger share "
                        "than the level below it (level 1 %(l1)s %%, level 2 "
                        "%(l2)s %%, level 3 %(l3)s %%). The seller earns most.",
                        rule=rule.name,
                        l1=rule.level1_share,
                        l2=rule.level2_share,
                        l3=rule.level3_share,
                    )
                )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
                raise ValidationError(
                    _("Rule %(rule)s ends before it starts.", rule=rule.name)
                )

    # Rule table: read once per company and cached, so that posting an
    # invoice does not read the rules again (cleared on every change)
    @api.model
    @tools.ormcache("company_id")
    def _rule_table(self, company_id):
        """The active rules of a company as plain tuples (no records)."""
        rules = (
            self.sudo()
            .with_context(active_test=True)
            .search([("company_id", "=", company_id)])
        )
        return tuple(
            RuleData(
                id=rule.id,
                sequence=rule.sequence,
                date_from=rule.date_from,
                date_to=rule.date_to,
                tier_ids=frozenset(rule.tier_ids.ids),
                product_ids=frozenset(rule.product_ids.ids),
                categ_paths=tuple(rule.categ_ids.mapped("parent_path")),
                base=rule.base,
                rule_type=rule.rule_type,
                rate=rule.rate,
                fixed_amount=rule.fixed_amount,
                sections=tuple(
                    sorted((s.amount_from, s.rate) for s in rule.section_ids)
                ),
                shares=(rule.level1_share, rule.level2_share, rule.level3_share),
            )
            for rule in rules
        )

    @api.model
    def _best_rule(self, company, product, tier, date):
        """The rule data that applies to ``product`` sold on ``date`` by a
        distributor of ``tier``, or None.

        Precedence: a rule outside its validity dates never applies; then a
        product rule beats a category rule (sub-categories included), which
        beats a rule for all products; at equal scope a rule limited to tiers
        beats one for all tiers; then the lower sequence, then the older rule.
        """
        best, best_key = None, None
        categ_path = None
        for rule in self._rule_table(company.id):
            if (rule.date_from and date < rule.date_from) or (
                rule.date_to and date > rule.date_to
            ):
                continue
            if rule.tier_ids and tier.id not in rule.tier_ids:
                continue
            if rule.product_ids:
                if product.id not in rule.product_ids:
                    continue
                scope = 3
            elif rule.categ_paths:
                if categ_path is None:
                    categ_path = product.categ_id.parent_path or ""
                if not any(categ_path.startswith(p) for p in rule.categ_paths):
                    continue
                scope = 2
            else:
                scope = 1
            key = (scope, bool(rule.tier_ids), -rule.sequence, -rule.id)
            if best_key is None or key > best_key:
                best, best_key = rule, key
        return best


def rate_for_volume(sections, volume):
    """Rate of the highest section whose start ``volume`` reaches."""
    rate = 0.0
    for amount_from, section_rate in sections:
        if amount_from <= volume:
            rate = section_rate
    return rate


def compute_commission(rule, base, quantity, sign, volume=0.0):
    """(commission, rate) of one sale for the whole chain, before the level
    shares. ``base`` is signed (negative on credit notes) and ``sign`` is
    -1 on credit notes; ``volume`` is the seller's monthly base including
    this sale (tiered rules).

    A fixed-per-order rule gives the fixed amount for the whole order: the
    ledger pays it once per order and level across the order's invoices, and
    only the credit note that brings the order's net invoiced amount to zero
    or below takes it back (a partial credit note takes nothing back); see
    ``dms.commission.line._fixed_order_vals``."""
    if rule.rule_type == "percent":
        return base * rule.rate / 100, rule.rate
    if rule.rule_type == "fixed_unit":
        return sign * rule.fixed_amount * quantity, 0.0
    if rule.rule_type == "fixed_order":
        return sign * rule.fixed_amount, 0.0
    rate = rate_for_volume(rule.sections, volume)
    return base * rate / 100, rate


class DmsCommissionRuleSection(models.Model):
    _name = "dms.commission.rule.section"
    _inherit = ["dms.commission.rule.cache.mixin"]
    _description = "Commission Rule Section"
    _order = "amount_from"

    rule_id = fields.Many2one("dms.commission.rule", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="rule_id.currency_id")
    amount_from = fields.Monetary(string="From Monthly Volume", required=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), required=True)
