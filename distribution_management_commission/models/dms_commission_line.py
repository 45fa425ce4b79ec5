from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from .dms_commission_rule import compute_commission

# fields the ledger may still change on a line: its life cycle, nothing else
MUTABLE_FIELDS = {"state", "available_date", "settlement_id"}


class DmsCommissionLine(models.Model):
    _name = "dms.commission.line"
    _inherit = ["dms.state.guard.mixin"]
    _description = "Commission Ledger Line"
    _order = "date desc, id desc"
    _check_company_auto = True

    beneficiary_id = fields.Many2one(
        "res.partner", required=True, index=True, readonly=True
    )
    level = fields.Integer(required=True, readonly=True)
    kind = fields.Selection(
        [
            ("commission", "Commission"),
            ("reversal", "Reversal"),
            ("withdrawal", "Withdrawal"),
        ],
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
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    withdrawal_id = fields.Many2one(
        "dms.withdrawal", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    # what the line was accrued from, written once with the line
    sale_line_id = fields.Many2one("sale.order.line", readonly=True, index=True)
    sale_order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    customer_id = fields.Many2one("res.partner", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
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
        string="Status",
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
        (
            "withdrawal_kind_uniq",
            "unique(withdrawal_id, kind)",
            "A withdrawal is debited once and restored at most once.",
        ),
        (
            "source_check",
            "CHECK(move_line_id IS NOT NULL OR withdrawal_id IS NOT NULL)",
            "A ledger line comes from an invoice line or a withdrawal.",
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
    def _accrual_rows(self, moves):
        """Product lines of ``moves`` sold by a distributor, with the upline
        chain and the posting number, in one query."""
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "sale_line_ids"]
        )
        self.env["sale.order.line"].flush_model(["order_id"])
        self.env["sale.order"].flush_model(["dms_distributor_id", "dms_grid_id"])
        self.env["res.partner"].flush_model(["dms_parent_id", "dms_tier_id"])
        self.flush_model(["move_id", "posting"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (aml.id)
                       aml.id, rel.order_line_id, so.id, so.dms_grid_id,
                       seller.id, seller.dms_tier_id,
                       seller.dms_parent_id, up.dms_parent_id,
                       (SELECT max(c.posting) FROM dms_commission_line c
                         WHERE c.move_id = aml.move_id)
                  FROM account_move_line aml
                  JOIN sale_order_line_invoice_rel rel
                    ON rel.invoice_line_id = aml.id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner seller ON seller.id = so.dms_distributor_id
             LEFT JOIN res_partner up ON up.id = seller.dms_parent_id
                 WHERE aml.move_id = ANY(%s) AND aml.display_type = 'product'
              ORDER BY aml.id, rel.order_line_id
                """,
                moves.ids,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _accrue(self, moves, fixed_only=False):
        """Ledger lines for the attributed lines of posted customer invoices
        and credit notes, all in one create. Amounts are in company currency:
        the base is the journal item's balance, never a sum of currencies.

        Percentage, per-unit and tiered rules accrue per invoice line; a
        fixed-per-order rule is settled per order afterwards, see
        :meth:`_fixed_order_vals`. ``fixed_only``: only bring the fixed
        commission of already posted ``moves`` up to date, in their current
        posting (another invoice of their orders was reset)."""
        rows = self._accrual_rows(moves)
        if not rows:
            return self.browse()
        existing = []
        if fixed_only:
            # write in the current posting, next to what is already there
            rows = [row[:8] + (None if row[8] is None else row[8] - 1,) for row in rows]
            current = {row[0]: 0 if row[8] is None else row[8] + 1 for row in rows}
            existing = [
                {
                    "move_line_id": line.move_line_id.id,
                    "beneficiary_id": line.beneficiary_id.id,
                    "level": line.level,
                }
                for line in self.sudo().search(
                    [("move_id", "in", moves.ids), ("kind", "=", "commission")]
                )
                if current.get(line.move_line_id.id) == line.posting
            ]
        Rule = self.env["dms.commission.rule"]
        Partner = self.env["res.partner"]
        # one browse for all lines: their moves, products and categories are
        # then read for the whole batch, never line by line
        lines = self.env["account.move.line"].browse([row[0] for row in rows])
        volumes = self._monthly_volumes(moves, rows)
        fixed = {}  # (order id, rule id) -> [(line, row, rule, base)]
        anchors = {}  # order id -> [(line, row)] of the moves being posted
        vals_list = []
        for line, row in zip(lines, rows, strict=True):
            order_id, seller_id, tier_id = row[2], row[4], row[5]
            move = line.move_id
            company = move.company_id
            date = move.invoice_date or move.date
            anchors.setdefault(order_id, []).append((line, row))
            rule = Rule._best_rule(
                company, line.product_id, self.env["dms.tier"].browse(tier_id), date
            )
            if not rule:
                continue
            sign = -1 if move.move_type == "out_refund" else 1
            base = -line.balance
            if rule.base == "margin":
                base -= sign * self._line_cost(line)
            volume = 0.0
            if rule.rule_type == "fixed_order":
                fixed.setdefault((order_id, rule.id), []).append(
                    (line, row, rule, base)
                )
                continue
            if fixed_only:
                continue
            if rule.rule_type == "tiered":
                month_key = (seller_id, date.replace(day=1))
                volumes[month_key] += base
                volume = volumes[month_key]
            commission, rate = compute_commission(
                rule, base, line.quantity, sign, volume
            )
            common = self._common_vals(line, row, rule.id, base)
            vals_list += self._level_vals(
                Partner.browse(self._chain(row, company)),
                rule,
                commission,
                rate,
                common,
            )
        vals_list += self._fixed_order_vals(moves, fixed, anchors, vals_list + existing)
        return self.sudo().create(vals_list)

    @api.model
    def _chain(self, row, company):
        """Beneficiary ids of an accrual row, level 1 first, cut at the
        company's depth."""
        chain = [row[4], row[6], row[7]][: min(company.dms_max_depth, 3)]
        return [partner_id for partner_id in chain if partner_id]

    @api.model
    def _common_vals(self, line, row, rule_id, base):
        """Values shared by the level lines accrued from one invoice line."""
        move = line.move_id
        company = move.company_id
        date = move.invoice_date or move.date
        on_invoice = company.dms_commission_trigger == "invoice"
        return {
            # first: the ORM rounds the monetary values with the currency it
            # has in cache when it caches them (else it reads it back)
            "currency_id": company.currency_id.id,
            "kind": "commission",
            "posting": 0 if row[8] is None else row[8] + 1,
            "distributor_id": row[4],
            "rule_id": rule_id,
            "move_id": move.id,
            "move_line_id": line.id,
            "sale_line_id": row[1],
            "sale_order_id": row[2],
            "customer_id": move.commercial_partner_id.id,
            "product_id": line.product_id.id,
            "base_amount": company.currency_id.round(base),
            "company_id": company.id,
            "date": date,
            # "earned when paid": the freeze counts from the payment date,
            # set when the invoice is paid (_cron_update_states)
            "available_date": date + timedelta(days=company.dms_commission_freeze_days)
            if on_invoice
            else False,
            "state": "earned" if on_invoice else "pending",
            "dms_grid_id": row[3],
        }

    # ------------------------------------------------------------------
    # Fixed commission per order
    # ------------------------------------------------------------------
    @api.model
    def _fixed_order_vals(self, moves, fixed, anchors, vals_list):
        """Ledger lines that bring the fixed-per-order commission of the
        orders invoiced or credited by ``moves`` to what is due.

        The rule: a fixed-per-order rule pays its fixed amount (times the
        level share) once per order, rule and level, however many invoices
        the order is split into, as long as the order's net invoiced amount
        under that rule (its posted invoices minus its posted credit notes) is
        above zero. A partial credit note takes nothing back; the credit note
        that brings the net invoiced amount to zero or below takes back
        exactly what each beneficiary still holds for that order. Invoicing
        the order again afterwards pays the fixed amount again. So the net
        commission of an order always stays between 0 and the fixed amount.

        ``fixed``: {(order id, rule id): [(line, row, rule data, base)]} of
        the lines of ``moves`` under a fixed-per-order rule; ``anchors``:
        {order id: [(line, row)]} of all attributed lines of ``moves``;
        ``vals_list``: the lines already prepared for ``moves`` (their keys
        are not reused)."""
        refunded = {
            row[2]
            for line, row in (pair for pairs in anchors.values() for pair in pairs)
            if line.move_id.move_type == "out_refund"
        }
        order_ids = {order_id for order_id, __ in fixed} | refunded
        if not order_ids:
            return []
        holdings = self._fixed_holdings(order_ids)
        keys = set(fixed) | {(order, rule) for order, rule, __, __ in holdings}
        if not keys:
            return []
        net_bases = self._fixed_net_bases({order for order, __ in keys}, anchors)
        used = {
            (vals["move_line_id"], vals["beneficiary_id"], vals["level"])
            for vals in vals_list
        }
        result = []
        for order_id, rule_id in sorted(keys):
            pairs = fixed.get((order_id, rule_id), [])
            candidates = [pair[:2] for pair in pairs] + anchors[order_id]
            line, row = candidates[0]
            currency = line.move_id.company_id.currency_id
            by_rule = net_bases.get(order_id, {})
            net = by_rule.get(rule_id, by_rule.get(None, 0.0))
            held = {
                (level, partner_id): amount
                for (order, rule, level, partner_id), amount in holdings.items()
                if order == order_id and rule == rule_id
            }
            invoice_pairs = [
                pair for pair in pairs if pair[0].move_id.move_type == "out_invoice"
            ]
            if currency.compare_amounts(net, 0.0) > 0:
                # due: pay the levels that hold nothing, from an invoice only
                if not invoice_pairs:
                    continue
                rule = invoice_pairs[0][2]
                line, row = invoice_pairs[0][:2]
                held_levels = {level for (level, __), amount in held.items() if amount}
                todo = [
                    (
                        level,
                        partner_id,
                        rule.fixed_amount * rule.shares[level - 1] / 100,
                    )
                    for level, partner_id in enumerate(
                        self._chain(row, line.move_id.company_id), start=1
                    )
                    if level not in held_levels
                ]
            else:
                # credited to zero or below: take back what each one holds
                todo = [
                    (level, partner_id, -amount)
                    for (level, partner_id), amount in sorted(held.items())
                ]
            base = sum(pair[3] for pair in pairs)
            for level, partner_id, amount in todo:
                amount = currency.round(amount)
                if currency.is_zero(amount):
                    continue
                anchor = next(
                    (
                        (aml, aml_row)
                        for aml, aml_row in candidates
                        if (aml.id, partner_id, level) not in used
                    ),
                    None,
                )
                if not anchor:
                    continue
                used.add((anchor[0].id, partner_id, level))
                vals = self._common_vals(anchor[0], anchor[1], rule_id, base)
                vals.update(
                    beneficiary_id=partner_id, level=level, rate=0.0, amount=amount
                )
                result.append(vals)
        return result

    @api.model
    def _fixed_holdings(self, order_ids):
        """{(order id, rule id, level, beneficiary id): net amount} of the
        fixed-per-order commission already in the ledger for ``order_ids``
        (archived rules included).

        The orders' rows are written first: two invoices of one order posted
        at the same moment then serialize (the second one is retried and
        sees what the first accrued) instead of both paying the order."""
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET write_date = write_date WHERE id = ANY(%s)",
                list(order_ids),
            )
        )
        self.flush_model(
            ["sale_order_id", "rule_id", "level", "beneficiary_id", "amount", "kind"]
        )
        self.env["dms.commission.rule"].flush_model(["rule_type"])
        self.env.cr.execute(
            SQL(
                """
                SELECT c.sale_order_id, c.rule_id, c.level, c.beneficiary_id,
                       SUM(c.amount)
                  FROM dms_commission_line c
                  JOIN dms_commission_rule r ON r.id = c.rule_id
                 WHERE c.sale_order_id = ANY(%s)
                   AND r.rule_type = 'fixed_order'
                   AND c.kind IN ('commission', 'reversal')
              GROUP BY 1, 2, 3, 4
                """,
                list(order_ids),
            )
        )
        return {
            (order, rule, level, partner): amount
            for order, rule, level, partner, amount in self.env.cr.fetchall()
        }

    @api.model
    def _fixed_net_bases(self, order_ids, anchors):
        """{order id: {rule id: net invoiced base, None: whole order}}: the
        untaxed amount of the orders' posted invoices minus their posted
        credit notes, in company currency, per rule that applies to each
        product at the date of the move being posted."""
        self.env["account.move"].flush_model(["state", "move_type"])
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "balance", "product_id", "sale_line_ids"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT lines.order_id, lines.product_id, SUM(lines.base)
                  FROM (
                    SELECT DISTINCT ON (aml.id, sol.order_id)
                           sol.order_id, aml.product_id, -aml.balance AS base
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                      JOIN sale_order_line_invoice_rel rel
                        ON rel.invoice_line_id = aml.id
                      JOIN sale_order_line sol ON sol.id = rel.order_line_id
                     WHERE sol.order_id = ANY(%s)
                       AND am.state = 'posted'
                       AND am.move_type IN ('out_invoice', 'out_refund')
                       AND aml.display_type = 'product'
                  ) lines
              GROUP BY 1, 2
                """,
                list(order_ids),
            )
        )
        Rule = self.env["dms.commission.rule"]
        fetched = self.env.cr.fetchall()
        products = self.env["product.product"].browse(
            {product_id for __, product_id, __ in fetched if product_id}
        )
        result = defaultdict(lambda: defaultdict(float))
        for order_id, product_id, base in fetched:
            line, row = anchors[order_id][0]
            move = line.move_id
            rule = Rule._best_rule(
                move.company_id,
                products.browse(product_id).with_prefetch(products._prefetch_ids),
                self.env["dms.tier"].browse(row[5]),
                move.invoice_date or move.date,
            )
            if rule:
                result[order_id][rule.id] += base
            result[order_id][None] += base
        return result

    @api.model
    def _line_cost(self, line):
        """Cost of an invoice line's quantity, in company currency."""
        product = line.product_id.with_company(line.company_id)
        quantity = line.product_uom_id._compute_quantity(line.quantity, product.uom_id)
        return product.standard_price * quantity

    @api.model
    def _monthly_volumes(self, moves, rows):
        """Level-1 base already accrued this month per (seller, month), read
        only when a tiered rule exists."""
        volumes = defaultdict(float)
        Rule = self.env["dms.commission.rule"]
        if not any(
            rule.rule_type == "tiered"
            for company in moves.company_id
            for rule in Rule._rule_table(company.id)
        ):
            return volumes
        first = min(m.invoice_date or m.date for m in moves).replace(day=1)
        groups = self.sudo()._read_group(
            [
                ("level", "=", 1),
                ("date", ">=", first),
                ("distributor_id", "in", list({row[4] for row in rows})),
                ("kind", "!=", "withdrawal"),
            ],
            ["distributor_id", "date:month"],
            ["base_amount:sum"],
        )
        for seller, month, amount in groups:
            volumes[(seller.id, month)] += amount
        return volumes

    @api.model
    def _level_vals(self, chain, rule, commission, rate, common):
        """One ledger line per level of the seller's upline ``chain``."""
        currency = self.env["res.currency"].browse(common["currency_id"])
        vals_list = []
        for level, beneficiary in enumerate(chain, start=1):
            share = rule.shares[level - 1]
            amount = currency.round(commission * share / 100)
            if currency.is_zero(amount):
                continue
            vals_list.append(
                dict(
                    common,
                    beneficiary_id=beneficiary.id,
                    level=level,
                    rate=rate * share / 100,
                    amount=amount,
                )
            )
        return vals_list

    # ------------------------------------------------------------------
    # Expected income: confirmed orders not invoiced yet (nothing stored)
    # ------------------------------------------------------------------
    @api.model
    def _downline_levels(self, partner, depth):
        """{seller id: level} of ``partner`` (level 1) and its downline down
        to ``depth`` levels."""
        levels, frontier = {partner.id: 1}, partner
        Partner = self.env["res.partner"].sudo()
        for level in range(2, depth + 1):
            frontier = Partner.search([("dms_parent_id", "in", frontier.ids)])
            frontier = frontier.filtered(lambda p: p.id not in levels)
            if not frontier:
                break
            levels.update(dict.fromkeys(frontier.ids, level))
        return levels

    def _dealer_status(self):
        """What the distributor reads in the Status column of the portal
        ledger: a withdrawal says where its bill is (approved, paid), a
        settled line says paid only once the settlement bill is paid."""
        self.ensure_one()
        if self.kind == "withdrawal" and self.withdrawal_id:
            record, field = self.withdrawal_id, "state"
        elif self.state == "settled" and self.settlement_id.state == "paid":
            record, field = self.settlement_id, "state"
        else:
            record, field = self, "state"
        selection = record._fields[field]._description_selection(self.env)
        return dict(selection).get(record[field], "")

    @api.model
    def _expected_for(self, partner, company):
        """Commission ``partner`` should earn from confirmed orders of its own
        and of its downline once the rest is invoiced: [(order, amount)]
        in company currency, computed with the rules that apply today."""
        currency = company.currency_id
        levels = self._downline_levels(partner, min(company.dms_max_depth, 3))
        order_lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("order_id.dms_distributor_id", "in", list(levels)),
                    ("order_id.state", "=", "sale"),
                    ("company_id", "=", company.id),
                    ("display_type", "=", False),
                    ("is_downpayment", "=", False),
                ]
            )
        )
        Rule = self.env["dms.commission.rule"]
        today = company._dms_today()
        expected = defaultdict(float)
        fixed_done = set()
        for line in order_lines:
            order = line.order_id
            remaining = line.product_uom_qty - line.qty_invoiced
            rounding = line.product_uom.rounding
            if float_compare(remaining, 0.0, precision_rounding=rounding) <= 0:
                continue
            seller = order.dms_distributor_id
            rule = Rule._best_rule(company, line.product_id, seller.dms_tier_id, today)
            if not rule:
                continue
            base = line.price_reduce_taxexcl * remaining
            base = order.currency_id._convert(base, currency, company, today)
            if rule.base == "margin":
                product = line.product_id.with_company(company)
                base -= product.standard_price * line.product_uom._compute_quantity(
                    remaining, product.uom_id
                )
            if rule.rule_type == "fixed_order":
                # paid once per order: nothing more to expect once any part
                # of the order is invoiced (see _fixed_order_vals)
                invoiced = any(
                    float_compare(other.qty_invoiced, 0.0, precision_rounding=rounding)
                    > 0
                    for other in order.order_line
                )
                if invoiced or (order.id, rule.id) in fixed_done:
                    continue
                fixed_done.add((order.id, rule.id))
            commission, __ = compute_commission(rule, base, remaining, 1, base)
            share = rule.shares[levels[seller.id] - 1]
            expected[order] += commission * share / 100
        return [
            (order, currency.round(amount))
            for order, amount in expected.items()
            if not currency.is_zero(amount)
        ]

    @api.model
    def _team_totals(self, partner, company):
        """Sales of ``partner``'s downline (not their customers): per
        distributor, confirmed sales this month and over twelve months, in
        company currency at today's rate."""
        levels = self._downline_levels(partner, min(company.dms_max_depth, 3))
        levels.pop(partner.id)
        if not levels:
            return []
        today = company._dms_today()
        month_start = today.replace(day=1)
        year_start = today - relativedelta(months=12)
        groups = (
            self.env["sale.order"]
            .sudo()
            # months of the company's calendar
            .with_context(tz=company._dms_tz().zone)
            ._read_group(
                [
                    ("dms_distributor_id", "in", list(levels)),
                    ("state", "=", "sale"),
                    ("company_id", "=", company.id),
                    ("date_order", ">=", company._dms_date_to_utc(year_start)),
                ],
                ["dms_distributor_id", "currency_id", "date_order:month"],
                ["amount_untaxed:sum", "__count"],
            )
        )
        currency = company.currency_id
        totals = {
            seller_id: {"month": 0.0, "year": 0.0, "orders": 0} for seller_id in levels
        }
        for seller, order_currency, month, amount, count in groups:
            amount = order_currency._convert(amount, currency, company, today)
            figures = totals[seller.id]
            figures["year"] += amount
            figures["orders"] += count
            if fields.Date.to_date(month) >= month_start:
                figures["month"] += amount
        sellers = self.env["res.partner"].sudo().browse(list(levels))
        return sorted(
            (
                {
                    "partner": seller,
                    "level": levels[seller.id] - 1,
                    "month": currency.round(totals[seller.id]["month"]),
                    "year": currency.round(totals[seller.id]["year"]),
                    "orders": totals[seller.id]["orders"],
                }
                for seller in sellers
            ),
            key=lambda row: (row["level"], -row["year"], row["partner"].name or ""),
        )

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
                date=line.company_id._dms_today(),
                # a reversal of a commission still waiting for the payment
                # waits with it (both become earned once the invoice is paid)
                state="pending" if line.state == "pending" else "earned",
            )
            vals_list.append(vals)
        reversals = self.sudo().create(vals_list)
        self._reaccrue_fixed(reversals, moves)
        return reversals

    @api.model
    def _reaccrue_fixed(self, reversals, moves):
        """A reset invoice carried the fixed commission of an order that other
        posted invoices still bill: accrue it again on one of them."""
        orders = reversals.filtered(
            lambda line: line.rule_id.rule_type == "fixed_order"
        ).sale_order_id
        others = (
            orders.sudo().invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type == "out_invoice"
            )
            - moves
        )
        if others:
            self._accrue(others, fixed_only=True)

    @api.model
    def _cron_update_states(self):
        """pending -> earned once paid (payment trigger); earned -> available
        after the freeze period.

        With "earned when paid", the freeze period counts from the date the
        invoice (or credit note) became paid: the latest date of the payments
        and credit notes reconciled with it, not the invoice date."""
        pending = self.search([("state", "=", "pending")])
        paid_moves = pending.move_id.filtered(
            lambda move: move.payment_state in ("paid", "in_payment", "reversed")
        )
        paid_dates = self._payment_dates(paid_moves)
        groups = defaultdict(lambda: self.browse())
        for line in pending.filtered(lambda line: line.move_id in paid_moves):
            freeze = line.company_id.dms_commission_freeze_days
            groups[paid_dates[line.move_id.id] + timedelta(days=freeze)] |= line
        for available_date, lines in groups.items():
            lines.write({"state": "earned", "available_date": available_date})
        self.search(
            [
                ("state", "=", "earned"),
                *self.env["res.company"]._dms_today_domain("available_date", "<="),
            ]
        ).write({"state": "available"})
        return True

    @api.model
    def _payment_dates(self, moves):
        """{move id: date it became paid}: the latest date of the
        reconciliations of its receivable lines (payments, credit notes),
        else its invoice date."""
        result = {}
        for move in moves:
            terms = move.line_ids.filtered(
                lambda line: (
                    line.account_type in ("asset_receivable", "liability_payable")
                )
            )
            dates = (terms.matched_debit_ids | terms.matched_credit_ids).mapped(
                "max_date"
            )
            result[move.id] = max(dates) if dates else move.invoice_date or move.date
        return result
