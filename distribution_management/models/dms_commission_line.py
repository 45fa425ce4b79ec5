from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# fields the ledger may still change on a line: its life cycle, nothing else
MUTABLE_FIELDS = {"state", "available_date", "settlement_id"}


class DmsCommissionLine(models.Model):
    _name = "dms.commission.line"
    _description = "Commission Ledger Line"
    _order = "date desc, id desc"
    _check_company_auto = True

    beneficiary_id = fields.Many2one(
        "res.partner", required=True, index=True, readonly=True
    )
    level = fields.Integer(required=True, readonly=True)
    kind = fields.Selection(
        [("commission", "Commission"), ("reversal", "Reversal")],
        required=True,
        default="commission",
        readonly=True,
    )
    posting = fields.Integer(
        readonly=True,
        help="How many times the source invoice was posted before: a reset to "
        "draft reverses a posting, a new posting accrues again.",
    )
    distributor_id = fields.Many2one(
        "res.partner", string="Selling Distributor", readonly=True, index=True
    )
    rule_id = fields.Many2one("dms.commission.rule", readonly=True, ondelete="restrict")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    sale_line_id = fields.Many2one("sale.order.line", readonly=True, index=True)
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id", string="Order", store=True
    )
    customer_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer", store=True
    )
    product_id = fields.Many2one(related="move_line_id.product_id", store=True)
    base_amount = fields.Monetary(string="Base", readonly=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), readonly=True)
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    date = fields.Date(required=True, readonly=True, index=True)
    available_date = fields.Date(readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("earned", "Earned"),
            ("available", "Available"),
            ("settled", "Settled"),
        ],
        required=True,
        default="earned",
        readonly=True,
        index=True,
    )
    settlement_id = fields.Many2one(
        "dms.settlement", readonly=True, index=True, ondelete="set null", copy=False
    )
    # grid scoping: an indexed stored many2one on the protected record
    dms_grid_id = fields.Many2one("dms.grid", string="Grid", readonly=True, index=True)

    _sql_constraints = [
        (
            "source_beneficiary_level_kind_uniq",
            "unique(move_line_id, beneficiary_id, level, kind, posting)",
            "A commission is accrued once per invoice line, beneficiary, level and "
            "posting.",
        ),
    ]

    def write(self, vals):
        if set(vals) - MUTABLE_FIELDS:
            raise UserError(
                _("The commission ledger is append-only: add a reversing line instead.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("The commission ledger is append-only: add a reversing line instead.")
        )

    # ------------------------------------------------------------------
    # Accrual from posted customer invoices and credit notes
    # ------------------------------------------------------------------
    @api.model
    def _accrue(self, move_lines):
        """Ledger lines for posted invoice lines, all in one create."""
        moves = move_lines.move_id
        companies = moves.company_id
        rules = (
            self.env["dms.commission.rule"]
            .sudo()
            .search([("company_id", "in", companies.ids)])
        )
        previous = dict(
            self.sudo()._read_group(
                [("move_id", "in", moves.ids)], ["move_id"], ["posting:max"]
            )
        )
        postings = {
            move.id: previous[move] + 1 if move in previous else 0 for move in moves
        }
        volumes = self._monthly_volumes(move_lines, rules)
        fixed_done = set()
        vals_list = []
        for line in move_lines:
            move = line.move_id
            sale_line = line.sale_line_ids[:1]
            order = sale_line.order_id
            seller = order.dms_distributor_id
            date = move.invoice_date or move.date
            rule = rules.filtered(
                lambda r, c=move.company_id: r.company_id == c
            )._best_for(line.product_id, seller.dms_tier_id, date)
            if not rule:
                continue
            sign = -1 if move.move_type == "out_refund" else 1
            base = -line.balance  # company currency, negative on credit notes
            if rule.base == "margin":
                cost = (
                    line.product_id.standard_price
                    * line.product_uom_id._compute_quantity(
                        line.quantity, line.product_id.uom_id
                    )
                )
                base -= sign * cost
            rate = rule.rate
            if rule.rule_type == "percent":
                commission = base * rate / 100
            elif rule.rule_type == "fixed_unit":
                commission, rate = sign * rule.fixed_amount * line.quantity, 0.0
            elif rule.rule_type == "fixed_order":
                key = (move.id, order.id, rule.id)
                if key in fixed_done:
                    continue
                fixed_done.add(key)
                commission, rate = sign * rule.fixed_amount, 0.0
            else:  # tiered on the seller's monthly volume
                month_key = (seller.id, date.replace(day=1))
                volumes[month_key] += base
                rate = rule._rate_for_volume(volumes[month_key])
                commission = base * rate / 100
            vals_list += self._level_vals(
                line, rule, seller, base, rate, commission, postings[move.id]
            )
        return self.sudo().create(vals_list)

    @api.model
    def _monthly_volumes(self, move_lines, rules):
        """Level-1 base already accrued this month per (seller, month)."""
        volumes = defaultdict(float)
        if "tiered" not in rules.mapped("rule_type"):
            return volumes
        dates = [m.invoice_date or m.date for m in move_lines.move_id]
        first = min(dates).replace(day=1)
        groups = self.sudo()._read_group(
            [("level", "=", 1), ("date", ">=", first)],
            ["distributor_id", "date:month"],
            ["base_amount:sum"],
        )
        for seller, month, amount in groups:
            volumes[(seller.id, month)] += amount
        return volumes

    def _level_vals(self, line, rule, seller, base, rate, commission, posting):
        """One ledger line per level of the seller's upline chain."""
        move = line.move_id
        order = line.sale_line_ids[:1].order_id
        company = move.company_id
        currency = company.currency_id
        date = move.invoice_date or move.date
        trigger = company.dms_commission_trigger
        chain, node = [], seller
        while node and len(chain) < min(company.dms_max_depth, 3):
            chain.append(node)
            node = node.dms_parent_id
        shares = (rule.level1_share, rule.level2_share, rule.level3_share)
        vals_list = []
        for level, beneficiary in enumerate(chain, start=1):
            amount = currency.round(commission * shares[level - 1] / 100)
            if currency.is_zero(amount):
                continue
            vals_list.append(
                {
                    "beneficiary_id": beneficiary.id,
                    "level": level,
                    "kind": "commission",
                    "posting": posting,
                    "distributor_id": seller.id,
                    "rule_id": rule.id,
                    "move_id": move.id,
                    "move_line_id": line.id,
                    "sale_line_id": line.sale_line_ids[:1].id,
                    "base_amount": currency.round(base),
                    "rate": rate * shares[level - 1] / 100,
                    "amount": amount,
                    "currency_id": currency.id,
                    "company_id": company.id,
                    "date": date,
                    "available_date": date
                    + timedelta(days=company.dms_commission_freeze_days),
                    "state": "earned" if trigger == "invoice" else "pending",
                    "dms_grid_id": order.dms_grid_id.id,
                }
            )
        return vals_list

    @api.model
    def _reverse_postings(self, moves):
        """Reversing lines for the current posting of ``moves``."""
        lines = self.sudo().search([("move_id", "in", moves.ids)])
        settled = lines.filtered(lambda line: line.state == "settled")
        if settled:
            raise UserError(
                _(
                    "The commission of %(move)s is already settled: issue a credit "
                    "note instead of resetting or cancelling the invoice.",
                    move=settled[0].move_id.display_name,
                )
            )
        current = defaultdict(int)
        for line in lines:
            current[line.move_id.id] = max(current[line.move_id.id], line.posting)
        reversed_keys = {
            (rev.move_line_id.id, rev.beneficiary_id.id, rev.level, rev.posting)
            for rev in lines
            if rev.kind == "reversal"
        }
        vals_list = []
        for line in lines.filtered(
            lambda c: c.kind == "commission" and c.posting == current[c.move_id.id]
        ):
            key = (
                line.move_line_id.id,
                line.beneficiary_id.id,
                line.level,
                line.posting,
            )
            if key in reversed_keys:
                continue
            vals = line.copy_data()[0]
            vals.update(
                kind="reversal",
                amount=-line.amount,
                base_amount=-line.base_amount,
                date=fields.Date.context_today(self),
                state="earned",
            )
            vals_list.append(vals)
        return self.sudo().create(vals_list)

    @api.model
    def _cron_update_states(self):
        """pending -> earned once paid (payment trigger); earned -> available
        after the freeze period."""
        pending = self.search([("state", "=", "pending")])
        paid = pending.filtered(
            lambda line: (
                line.move_id.payment_state in ("paid", "in_payment", "reversed")
            )
        )
        paid.write({"state": "earned"})
        self.search(
            [
                ("state", "=", "earned"),
                ("available_date", "<=", fields.Date.context_today(self)),
            ]
        ).write({"state": "available"})
        return True
