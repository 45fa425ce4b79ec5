from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

ACCOUNTING_GROUP = "account.group_account_invoice"
REBATE_STATES = [
    ("open", "Open"),
    ("accrued", "Accrued"),
    ("to_post", "Credit Note Draft"),
    ("posted", "Settled"),
    ("paid", "Reconciled / Paid"),
]


def gl_figures_query(rebate_ids=None):
    """Accrued, settled and still open accrued amounts per rebate, read from
    the posted journal items tagged to each rebate.

    - accrued: balance of the accrued rebates account at the period end
      (a month-end accrual and its reversal inside the period cancel out);
    - settled: the rebate lines of the settlement credit notes or bills;
    - liability: balance of the accrued rebates account on any date (not zero
      while an accrual waits for its reversal).
    """
    where = SQL("TRUE") if rebate_ids is None else SQL("r.id = ANY(%s)", rebate_ids)
    return SQL(
        """
        SELECT r.id AS rebate_id,
               COALESCE(-SUM(aml.balance) FILTER (
                   WHERE aml.account_id = p.accrual_account_id
                     AND aml.date <= r.date_to), 0) AS accrued_amount,
               COALESCE(SUM(aml.balance) FILTER (
                   WHERE move.dms_rebate_move_kind = 'settlement'), 0)
                   AS settled_amount,
               COALESCE(-SUM(aml.balance) FILTER (
                   WHERE aml.account_id = p.accrual_account_id), 0)
                   AS liability_amount
          FROM dms_rebate r
          JOIN dms_rebate_program p ON p.id = r.program_id
     LEFT JOIN account_move_line aml
            ON aml.dms_rebate_id = r.id AND aml.parent_state = 'posted'
     LEFT JOIN account_move move ON move.id = aml.move_id
         WHERE %s
      GROUP BY r.id
        """,
        where,
    )


class DmsRebate(models.Model):
    """The rebate of one dealer for one period of a program: its figures
    (refreshed on demand from the journal items) and its accounting."""

    _name = "dms.rebate"
    _description = "Dealer Rebate"
    _inherit = ["mail.thread", "dms.state.guard.mixin"]
    _order = "date_from desc, program_id, partner_id"
    _check_company_auto = True

    program_id = fields.Many2one(
        "dms.rebate.program",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Dealer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    basis = fields.Selection(related="program_id.basis")
    date_from = fields.Date(string="Period Start", required=True, readonly=True)
    date_to = fields.Date(string="Period End", required=True, readonly=True)
    period_label = fields.Char(
        string="Period", compute="_compute_period_label", store=True
    )
    dms_grid_id = fields.Many2one(
        related="partner_id.dms_grid_id", store=True, index=True, string="Grid"
    )
    basis_amount = fields.Monetary(
        string="Sales", readonly=True, help="Invoiced untaxed sales net of refunds."
    )
    basis_quantity = fields.Float(string="Quantity", readonly=True, digits=(16, 3))
    rebate_amount = fields.Monetary(string="Rebate", readonly=True)
    bracket_id = fields.Many2one(
        "dms.rebate.bracket", readonly=True, ondelete="set null"
    )
    next_bracket_id = fields.Many2one(
        "dms.rebate.bracket", readonly=True, ondelete="set null"
    )
    gap = fields.Float(
        string="To Next Bracket",
        readonly=True,
        digits=(16, 3),
        help="Sales (or units) still needed to reach the next bracket.",
    )
    figures_date = fields.Datetime(string="Figures Of", readonly=True)
    progress_message = fields.Char(compute="_compute_progress_message")
    progress = fields.Float(
        string="Progress to Next Bracket",
        compute="_compute_progress_message",
        help="Sales (or units) so far, in percent of what the next bracket "
        "needs; 100 once the top bracket is reached.",
    )
    move_line_ids = fields.One2many(
        "account.move.line", "dms_rebate_id", string="Journal Items", readonly=True
    )
    settlement_move_id = fields.Many2one(
        "account.move", string="Settlement", readonly=True, copy=False, index=True
    )
    accrued_amount = fields.Monetary(
        string="Accrued", compute="_compute_gl_figures", help="Read from the ledger."
    )
    settled_amount = fields.Monetary(
        string="Settled", compute="_compute_gl_figures", help="Read from the ledger."
    )
    state = fields.Selection(
        REBATE_STATES,
        string="Status",
        compute="_compute_state",
        store=True,
        tracking=True,
        index=True,
    )

    _sql_constraints = [
        (
            "period_uniq",
            "unique(program_id, partner_id, date_from)",
            "A dealer has one rebate per program and period.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("program_id", "date_from")
    def _compute_period_label(self):
        for rebate in self:
            rebate.period_label = (
                rebate.program_id._period_label(rebate.date_from)
                if rebate.program_id and rebate.date_from
                else False
            )

    @api.depends("program_id.name", "period_label", "partner_id.name")
    def _compute_display_name(self):
        for rebate in self:
            rebate.display_name = (
                f"{rebate.program_id.name} {rebate.period_label} – "
                f"{rebate.partner_id.name}"
            )

    @api.depends(
        "gap",
        "next_bracket_id",
        "bracket_id",
        "basis",
        "basis_amount",
        "basis_quantity",
        "currency_id",
    )
    def _compute_progress_message(self):
        for rebate in self:
            nxt = rebate.next_bracket_id
            done = (
                rebate.basis_quantity
                if rebate.basis == "quantity"
                else rebate.basis_amount
            )
            if not nxt:
                rebate.progress = 100.0 if rebate.bracket_id else 0.0
                rebate.progress_message = (
                    _("Top bracket reached.") if rebate.bracket_id else False
                )
                continue
            needed = max(done, 0.0) + rebate.gap
            rebate.progress = (
                min(max(done, 0.0) / needed * 100.0, 100.0) if needed > 0 else 0.0
            )
            if nxt.rate_type == "percent":
                reward = f"{nxt.rate:g} %"
            else:
                reward = format_amount(self.env, nxt.fixed_amount, rebate.currency_id)
            if rebate.basis == "quantity":
                units = f"{rebate.gap:g}"
                rebate.progress_message = _(
                    "Sell %(gap)s more units to reach %(reward)s.",
                    gap=units,
                    reward=reward,
                )
            else:
                rebate.progress_message = _(
                    "Sell %(gap)s more to reach %(reward)s.",
                    gap=format_amount(self.env, rebate.gap, rebate.currency_id),
                    reward=reward,
                )

    def _compute_gl_figures(self):
        figures = self._gl_figures()
        for rebate in self:
            values = figures.get(rebate.id, {})
            rebate.accrued_amount = values.get("accrued_amount", 0.0)
            rebate.settled_amount = values.get("settled_amount", 0.0)

    def _gl_figures(self):
        ids = [rid for rid in self.ids if isinstance(rid, int)]
        if not ids:
            return {}
        self.env["account.move.line"].flush_model(
            ["dms_rebate_id", "parent_state", "balance", "account_id", "date"]
        )
        self.env["account.move"].flush_model(["dms_rebate_move_kind"])
        self.flush_recordset(["date_to", "program_id"])
        self.env.cr.execute(gl_figures_query(ids))
        return {
            row[0]: {
                "accrued_amount": row[1],
                "settled_amount": row[2],
                "liability_amount": row[3],
            }
            for row in self.env.cr.fetchall()
        }

    @api.depends(
        "settlement_move_id.state",
        "settlement_move_id.payment_state",
        "move_line_ids.parent_state",
    )
    def _compute_state(self):
        for rebate in self:
            move = rebate.settlement_move_id
            if move.payment_state == "reversed":
                move = move.browse()
            if move.state == "posted":
                rebate.state = (
                    "paid" if move.payment_state in ("paid", "in_payment") else "posted"
                )
            elif move.state == "draft":
                rebate.state = "to_post"
            elif any(
                line.parent_state == "posted"
                and line.move_id.dms_rebate_move_kind == "accrual"
                for line in rebate.move_line_ids
            ):
                rebate.state = "accrued"
            else:
                rebate.state = "open"

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def _figures_at(self, cutoff=None):
        """Basis and rebate of each record up to ``cutoff`` (its period end
        by default): one basis query per program and period."""
        groups = defaultdict(lambda: self.browse())
        for rebate in self:
            groups[(rebate.program_id, rebate.date_from, rebate.date_to)] |= rebate
        result = {}
        for (program, date_from, date_to), rebates in groups.items():
            end = min(cutoff, date_to) if cutoff else date_to
            basis = program._basis(rebates.partner_id.ids, date_from, end)
            for rebate in rebates:
                amount, quantity = basis[rebate.partner_id.id]
                rebate_amount, bracket, upcoming, gap = program._compute_rebate(
                    amount, quantity
                )
                result[rebate.id] = {
                    "basis_amount": amount,
                    "basis_quantity": quantity,
                    "rebate_amount": rebate_amount,
                    "bracket_id": bracket.id,
                    "next_bracket_id": upcoming.id,
                    "gap": gap,
                }
        return result

    def _store_figures(self, figures):
        now = fields.Datetime.now()
        for rebate in self.sudo().with_context(tracking_disable=True):
            values = figures[rebate.id]
            if any(
                rebate[key].id != value
                if isinstance(rebate._fields[key], fields.Many2one)
                else rebate[key] != value
                for key, value in values.items()
            ):
                rebate.write(dict(values, figures_date=now))
            elif not rebate.figures_date:
                rebate.figures_date = now

    def _refresh_figures(self):
        """Recompute the stored basis and rebate (settled rebates keep the
        figures they were settled with)."""
        todo = self.filtered(lambda r: r.state not in ("to_post", "posted", "paid"))
        if todo:
            todo._store_figures(todo._figures_at())
        return True

    def action_refresh(self):
        self._refresh_figures()
        return True

    # ------------------------------------------------------------------
    # Settlement
    # ------------------------------------------------------------------
    @api.model
    def _check_accounting_rights(self):
        user = self.env.user
        if not (
            self.env.su or user._is_superuser() or user.has_group(ACCOUNTING_GROUP)
        ):
            raise AccessError(
                _("Only accountants can post rebate accruals and settle rebates.")
            )

    def action_settle(self):
        """Turn the final rebate of closed periods into posted credit notes
        (or vendor bills), one per dealer and period."""
        self._check_accounting_rights()
        if any(
            rebate.date_to >= rebate.program_id.company_id._dms_today()
            for rebate in self
        ):
            raise UserError(_("A rebate can only be settled once its period is over."))
        if self.filtered(lambda r: r.state in ("to_post", "posted", "paid")):
            raise UserError(_("Some of these rebates are already settled."))
        self._refresh_figures()
        todo = self.filtered(
            lambda r: r.currency_id.compare_amounts(r.rebate_amount, 0.0) > 0
        )
        if not todo:
            raise UserError(_("There is no rebate to settle."))
        for program in todo.program_id:
            program._accounting()
        moves = (
            self.env["account.move"]
            .sudo()
            .create(
                [
                    rebate._prepare_settlement_vals(
                        rebate.program_id.company_id._dms_today()
                    )
                    for rebate in todo
                ]
            )
        )
        for rebate, move in zip(todo, moves, strict=True):
            rebate.sudo().settlement_move_id = move
        moves.action_post()
        todo.filtered(
            lambda r: (
                r.program_id.reconcile_open_invoices
                and r.program_id.payout == "credit_note"
            )
        )._reconcile_open_invoices()
        return self.action_view_settlements(moves)

    def _prepare_settlement_vals(self, date):
        self.ensure_one()
        program = self.program_id
        __, journal = program._accounting()
        label = _(
            "Rebate %(program)s %(period)s",
            program=program.name,
            period=self.period_label,
        )
        return {
            "move_type": "out_refund"
            if program.payout == "credit_note"
            else "in_invoice",
            "partner_id": self.partner_id.id,
            "company_id": program.company_id.id,
            "journal_id": journal.id,
            "currency_id": program.currency_id.id,
            "invoice_date": date,
            "invoice_origin": label,
            "ref": label,
            "dms_rebate_program_id": program.id,
            "dms_rebate_cutoff": self.date_to,
            "dms_rebate_move_kind": "settlement",
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": program.expense_account_id.id,
                        "quantity": 1,
                        "price_unit": self.rebate_amount,
                        "tax_ids": [Command.clear()],
                        "dms_rebate_id": self.id,
                    }
                )
            ],
        }

    def _reconcile_open_invoices(self):
        """Match each posted rebate credit note with the dealer's oldest open
        invoices."""
        Line = self.env["account.move.line"].sudo()
        for rebate in self:
            move = rebate.settlement_move_id
            if move.state != "posted" or move.move_type != "out_refund":
                continue
            credit = move.line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            )
            if not credit:
                continue
            debits = Line.search(
                [
                    ("partner_id", "=", rebate.partner_id.id),
                    ("company_id", "=", move.company_id.id),
                    ("account_id", "in", credit.account_id.ids),
                    ("parent_state", "=", "posted"),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                ],
                order="date_maturity, id",
            )
            if debits:
                (credit | debits).reconcile()

    def action_reconcile_open_invoices(self):
        self._check_accounting_rights()
        self._reconcile_open_invoices()
        return True

    # ------------------------------------------------------------------
    # Traceability
    # ------------------------------------------------------------------
    def _basis_domain(self):
        self.ensure_one()
        program = self.program_id
        domain = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", program.company_id.id),
            ("parent_state", "=", "posted"),
            ("display_type", "=", "product"),
            ("dms_rebate_id", "=", False),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
        ]
        if program.product_ids or program.categ_ids:
            domain += [
                "|",
                ("product_id", "in", program.product_ids.ids),
                ("product_id.categ_id", "child_of", program.categ_ids.ids),
            ]
        return domain

    def _lines_action(self, name, domain):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("account.view_move_line_tree").id, "list"),
                (False, "form"),
            ],
            "domain": domain,
            "context": {"search_default_group_by_move": False, "create": False},
        }

    def action_view_basis_lines(self):
        self.ensure_one()
        return self._lines_action(_("Rebate Basis"), self._basis_domain())

    def action_view_accrued_lines(self):
        self.ensure_one()
        return self._lines_action(
            _("Accrued Rebate"),
            [
                ("dms_rebate_id", "=", self.id),
                ("account_id", "=", self.program_id.accrual_account_id.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", self.date_to),
            ],
        )

    def action_view_settled_lines(self):
        self.ensure_one()
        return self._lines_action(
            _("Settled Rebate"),
            [
                ("dms_rebate_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("move_id.dms_rebate_move_kind", "=", "settlement"),
            ],
        )

    def action_view_settlements(self, moves=None):
        moves = moves if moves is not None else self.settlement_move_id
        action = {
            "type": "ir.actions.act_window",
            "name": _("Rebate Settlements"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"create": False},
        }
        if len(moves) == 1:
            action.update(view_mode="form", res_id=moves.id)
        return action
