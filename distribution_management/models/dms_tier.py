from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class DmsTier(models.Model):
    _name = "dms.tier"
    _description = "Distributor Tier"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(
        default=10, help="Order of the levels: a higher sequence is a higher tier."
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Prices offered to distributors of this tier.",
    )
    min_order_amount = fields.Monetary(
        string="Minimum Order Amount",
        help="Smallest untaxed amount of a quick order placed in the portal.",
    )
    rights_description = fields.Html(string="Rights and Benefits", translate=True)
    upgrade_threshold = fields.Monetary(
        help="Rolling invoiced sales from which a distributor is moved up to this "
        "tier by the nightly evaluation. Zero: never reached automatically.",
    )
    downgrade_threshold = fields.Monetary(
        help="Below these rolling invoiced sales a distributor of this tier is moved "
        "down to the highest tier its sales reach. Zero: never downgraded.",
    )
    partner_ids = fields.One2many("res.partner", "dms_tier_id", string="Distributors")
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The tier code must be unique per company.",
        ),
        (
            "thresholds_positive",
            "CHECK(upgrade_threshold >= 0 AND downgrade_threshold >= 0 "
            "AND min_order_amount >= 0)",
            "Tier thresholds cannot be negative.",
        ),
    ]

    def _compute_partner_count(self):
        groups = self.env["res.partner"]._read_group(
            [("dms_tier_id", "in", self.ids)], ["dms_tier_id"], ["__count"]
        )
        counts = {tier.id: count for tier, count in groups}
        for tier in self:
            tier.partner_count = counts.get(tier.id, 0)

    @api.constrains("upgrade_threshold", "downgrade_threshold")
    def _check_thresholds(self):
        for tier in self:
            if (
                tier.upgrade_threshold
                and tier.downgrade_threshold
                and tier.downgrade_threshold > tier.upgrade_threshold
            ):
                raise ValidationError(
                    _(
                        "Tier %(tier)s: the downgrade threshold cannot exceed the "
                        "upgrade threshold.",
                        tier=tier.name,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if "pricelist_id" in vals:
            self.partner_ids._dms_apply_tier_pricelist()
        return res

    def action_view_partners(self):
        self.ensure_one()
        return self.env["res.partner"]._dms_distributor_action("dms_tier_id", self.id)

    # ------------------------------------------------------------------
    # Nightly evaluation
    # ------------------------------------------------------------------
    @api.model
    def _dms_rolling_sales(self, partners, date_to=None):
        """Net invoiced sales (``res.partner._dms_net_invoiced_sales``: rebate
        credit notes left out, refunds of goods deducted) per commercial
        partner over each company's rolling window of
        ``dms_tier_rolling_days`` days ending at ``date_to`` (default: today in
        the company's calendar). One grouped query per company."""
        result = dict.fromkeys(partners.ids, 0.0)
        by_company = {}
        for partner in partners:
            company = partner._dms_company()
            by_company.setdefault(company, self.env["res.partner"])
            by_company[company] |= partner
        Partner = self.env["res.partner"]
        for company, company_partners in by_company.items():
            end = date_to or company._dms_today()
            start = end - timedelta(days=company.dms_tier_rolling_days - 1)
            sales = Partner._dms_net_invoiced_sales(
                company_partners, start, end, company
            )
            for partner_id, (amount, __) in sales.items():
                result[partner_id] = amount
        return result

    def _dms_target_tier(self, current, sales):
        """Tier a distributor with ``sales`` should hold, ``self`` being the
        company's ordered tiers. Returns ``current`` when nothing changes."""
        reached = self.filtered(
            lambda t: t.upgrade_threshold and t.upgrade_threshold <= sales
        )
        best = reached.sorted(lambda t: (t.sequence, t.id))[-1:] if reached else None
        key = lambda t: (t.sequence, t.id)  # noqa: E731
        if best and (not current or key(best) > key(current)):
            return best
        if (
            current
            and current.downgrade_threshold
            and sales < current.downgrade_threshold
        ):
            lower = self.filtered(
                lambda t: (
                    key(t) < key(current)
                    and (not t.upgrade_threshold or t.upgrade_threshold <= sales)
                )
            ).sorted(key)
            return lower[-1:] or current
        return current

    @api.model
    def _cron_evaluate_tiers(self, date_to=None):
        """Upgrade or downgrade approved distributors on rolling sales."""
        partners = self.env["res.partner"].search(
            [
                ("dms_state", "=", "approved"),
                ("dms_tier_locked", "=", False),
            ]
        )
        partners._dms_evaluate_tier(date_to=date_to)
        return True
