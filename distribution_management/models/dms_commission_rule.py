from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class DmsCommissionRule(models.Model):
    _name = "dms.commission.rule"
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
    level1_share = fields.Float(string="Level 1 Share (%)", default=100.0)
    level2_share = fields.Float(string="Level 2 Share (%)", default=0.0)
    level3_share = fields.Float(string="Level 3 Share (%)", default=0.0)

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

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
                raise ValidationError(
                    _("Rule %(rule)s ends before it starts.", rule=rule.name)
                )

    def _specificity(self, product, tier):
        """How well this rule fits a product sold by a distributor of ``tier``:
        None when it does not apply, else a key where higher wins
        (product > category > any; a tier-specific rule beats a generic one;
        then the lower sequence)."""
        self.ensure_one()
        if self.tier_ids and tier not in self.tier_ids:
            return None
        if self.product_ids:
            if product not in self.product_ids:
                return None
            scope = 3
        elif self.categ_ids:
            path = product.categ_id.parent_path or ""
            if not any(path.startswith(c.parent_path) for c in self.categ_ids):
                return None
            scope = 2
        else:
            scope = 1
        return (scope, bool(self.tier_ids), -self.sequence, -self.id)

    def _best_for(self, product, tier, date):
        """The rule of ``self`` that applies, or an empty recordset."""
        best, best_key = self.browse(), None
        for rule in self:
            if (rule.date_from and date < rule.date_from) or (
                rule.date_to and date > rule.date_to
            ):
                continue
            key = rule._specificity(product, tier)
            if key and (best_key is None or key > best_key):
                best, best_key = rule, key
        return best

    def _rate_for_volume(self, volume):
        """Rate of the tiered section reached by ``volume``."""
        self.ensure_one()
        reached = self.section_ids.filtered(lambda s: s.amount_from <= volume)
        return max(reached, key=lambda s: s.amount_from).rate if reached else 0.0


class DmsCommissionRuleSection(models.Model):
    _name = "dms.commission.rule.section"
    _description = "Commission Rule Section"
    _order = "amount_from"

    rule_id = fields.Many2one("dms.commission.rule", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="rule_id.currency_id")
    amount_from = fields.Monetary(string="From Monthly Volume", required=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), required=True)
