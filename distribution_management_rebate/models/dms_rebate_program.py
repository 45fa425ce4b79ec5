from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round

# months in a period of each type (custom periods are the program's dates)
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
QUANTITY_ROUNDING = 0.001


class DmsRebateProgram(models.Model):
    _name = "dms.rebate.program"
    _description = "Rebate Program"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # participants
    participant_mode = fields.Selection(
        [("tier", "Tiers"), ("grid", "Grids"), ("partner", "Selected Dealers")],
        string="Participants",
        required=True,
        default="tier",
        tracking=True,
    )
    tier_ids = fields.Many2many("dms.tier", string="Tiers", check_company=True)
    grid_ids = fields.Many2many(
        "dms.grid",
        string="Grids",
        check_company=True,
        help="Dealers of these grids and of their sub-grids.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Dealers",
        domain="[('dms_state', '=', 'approved')]",
    )
    # period
    period_type = fields.Selection(
        [
            ("month", "Month"),
            ("quarter", "Quarter"),
            ("half_year", "Half-year"),
            ("year", "Year"),
            ("custom", "Custom Dates"),
        ],
        string="Period",
        required=True,
        default="quarter",
        tracking=True,
    )
    date_start = fields.Date(
        string="Start Date",
        required=True,
        default=lambda self: self.env.company._dms_today().replace(day=1),
        tracking=True,
    )
    date_end = fields.Date(
        string="End Date",
        tracking=True,
        help="Last day of the program; required for custom dates (one period).",
    )
    accrue_monthly = fields.Boolean(
        string="Accrue Every Month End",
        help="Also accrue the rebate earned so far at each month end inside a "
        "longer period; each accrual is reversed on the next day.",
    )
    # scope and computation
    product_ids = fields.Many2many(
        "product.product", string="Products", check_company=True
    )
    categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Products of these categories and of their sub-categories. No "
        "product and no category: all sales count.",
    )
    basis = fields.Selection(
        [("amount", "Untaxed Sales"), ("quantity", "Quantity")],
        required=True,
        default="amount",
        tracking=True,
        help="Untaxed sales: invoiced amounts net of credit notes, in the "
        "company currency (read from the journal items). Quantity: units "
        "invoiced net of credit notes, in the products' units of measure.",
    )
    method = fields.Selection(
        [("retroactive", "Retroactive"), ("incremental", "Incremental")],
        required=True,
        default="retroactive",
        tracking=True,
        help="Retroactive: the rate of the bracket reached applies to the whole "
        "volume. Incremental: each bracket's rate applies to its own slice.",
    )
    bracket_ids = fields.One2many(
        "dms.rebate.bracket", "program_id", string="Brackets", copy=True
    )
    # accounting
    payout = fields.Selection(
        [("credit_note", "Customer Credit Note"), ("bill", "Vendor Bill")],
        required=True,
        default="credit_note",
        tracking=True,
    )
    expense_account_id = fields.Many2one(
        "account.account",
        string="Rebate Account",
        check_company=True,
        tracking=True,
        domain="[('account_type', 'in', ('expense', 'income', 'income_other'))]",
        help="Rebate expense, or contra-revenue (sales rebates) account: debited "
        "by the accruals and by the settlement.",
    )
    accrual_account_id = fields.Many2one(
        "account.account",
        string="Accrued Rebates Account",
        check_company=True,
        tracking=True,
        domain="[('account_type', 'in', "
        "('liability_current', 'liability_non_current'))]",
        help="Liability credited by the accruals (and debited by their reversals).",
    )
    accrual_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
    )
    settlement_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', 'in', ('sale', 'purchase'))]",
        help="Sales journal of the credit notes or purchase journal of the bills; "
        "empty: the company's first one.",
    )
    reconcile_open_invoices = fields.Boolean(
        string="Reconcile with Open Invoices",
        default=True,
        help="A posted rebate credit note is matched at once with the dealer's "
        "oldest open invoices.",
    )
    rebate_ids = fields.One2many("dms.rebate", "program_id", string="Rebates")
    rebate_count = fields.Integer(compute="_compute_rebate_count")

    @api.depends("rebate_ids")
    def _compute_rebate_count(self):
        groups = self.env["dms.rebate"]._read_group(
            [("program_id", "in", self.ids)], ["program_id"], ["__count"]
        )
        counts = {program.id: count for program, count in groups}
        for program in self:
            program.rebate_count = counts.get(program.id, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("period_type", "date_start", "date_end")
    def _check_dates(self):
        for program in self:
            if program.date_end and program.date_end < program.date_start:
                raise ValidationError(
                    _(
                        "The program %(program)s ends before it starts.",
                        program=program.name,
                    )
                )
            if program.period_type == "custom" and not program.date_end:
                raise ValidationError(
                    _(
                        "Set the end date of the program %(program)s: custom "
                        "dates make one period.",
                        program=program.name,
                    )
                )

    @api.constrains("accrual_account_id", "expense_account_id")
    def _check_accounts(self):
        for program in self:
            if (
                program.accrual_account_id
                and program.accrual_account_id == program.expense_account_id
            ):
                raise ValidationError(
                    _("The rebate account and the accrued rebates account must differ.")
                )

    def write(self, vals):
        """Accounts are part of the books: once entries exist, changing them
        would hide the earlier entries from the reconciliation."""
        keys = {"accrual_account_id", "expense_account_id", "company_id"}
        if keys & set(vals):
            self.env["account.move.line"].flush_model(["dms_rebate_id"])
            used = (
                self.env["account.move.line"]
                .sudo()
                .search_count([("dms_rebate_id.program_id", "in", self.ids)], limit=1)
            )
            changed = any(
                program[key].id != vals[key]
                for program in self
                for key in keys & set(vals)
            )
            if used and changed:
                raise UserError(
                    _(
                        "This program already has journal entries: its company "
                        "and accounts can no longer change. Archive it and "
                        "create a new program instead."
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    def _period_bounds(self, day):
        """(first day, last day) of the program period containing ``day``,
        clipped to the program dates; None outside the program."""
        self.ensure_one()
        if day < self.date_start or (self.date_end and day > self.date_end):
            return None
        if self.period_type == "custom":
            return self.date_start, self.date_end
        months = PERIOD_MONTHS[self.period_type]
        start = date(day.year, ((day.month - 1) // months) * months + 1, 1)
        end = start + relativedelta(months=months, days=-1)
        return max(start, self.date_start), min(end, self.date_end or end)

    def _period_label(self, date_from):
        self.ensure_one()
        if self.period_type == "month":
            return f"{date_from:%Y-%m}"
        if self.period_type == "quarter":
            return f"{date_from.year}-Q{(date_from.month - 1) // 3 + 1}"
        if self.period_type == "half_year":
            return f"{date_from.year}-H{(date_from.month - 1) // 6 + 1}"
        if self.period_type == "year":
            return str(date_from.year)
        return f"{self.date_start} – {self.date_end}"

    def _is_cutoff(self, day):
        """An accrual may be dated at a period end, or at a month end inside
        a period when the program accrues monthly."""
        self.ensure_one()
        bounds = self._period_bounds(day)
        if not bounds:
            return False
        month_end = (day + timedelta(days=1)).day == 1
        return day == bounds[1] or (self.accrue_monthly and month_end)

    # ------------------------------------------------------------------
    # Participants and basis
    # ------------------------------------------------------------------
    def _participants(self):
        """Approved dealers of the program (one search)."""
        self.ensure_one()
        domain = [
            ("dms_state", "=", "approved"),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        if self.participant_mode == "tier":
            domain.append(("dms_tier_id", "in", self.tier_ids.ids))
        elif self.participant_mode == "grid":
            domain.append(("dms_grid_id", "child_of", self.grid_ids.ids))
        else:
            domain.append(("id", "in", self.partner_ids.ids))
        if self.participant_mode == "grid" and not self.grid_ids:
            return self.env["res.partner"]
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(domain, order="id")
        )

    def _basis(self, partner_ids, date_from, date_to):
        """Invoiced sales of ``partner_ids`` between the dates, net of credit
        notes: ``{partner_id: (amount, quantity)}``.

        The definition is the core's net invoiced sales
        (``res.partner._dms_net_invoiced_sales``, shared with the tier
        evaluation) restricted to the program's products and categories:
        journal items of the invoices, in company currency, rebate entries
        left out.
        """
        self.ensure_one()
        sales = self.env["res.partner"]._dms_net_invoiced_sales(
            partner_ids,
            date_from,
            date_to,
            self.company_id,
            products=self.product_ids,
            categories=self.categ_ids,
        )
        return {
            partner_id: (
                self.currency_id.round(amount),
                float_round(quantity, precision_rounding=QUANTITY_ROUNDING),
            )
            for partner_id, (amount, quantity) in sales.items()
        }

    # ------------------------------------------------------------------
    # Brackets
    # ------------------------------------------------------------------
    def _compare_volume(self, first, second):
        if self.basis == "amount":
            return self.currency_id.compare_amounts(first, second)
        return float_compare(first, second, precision_rounding=QUANTITY_ROUNDING)

    def _compute_rebate(self, amount, quantity):
        """Rebate earned on a basis: ``(rebate, bracket reached, next bracket,
        gap to the next bracket)``. The gap is in money or in units, after
        the program's basis."""
        self.ensure_one()
        volume = amount if self.basis == "amount" else quantity
        brackets = self.bracket_ids.sorted(lambda b: (b.threshold, b.id))
        reached = brackets.filtered(
            lambda b: self._compare_volume(volume, b.threshold) >= 0
        )
        following = brackets - reached
        current = reached[-1:]
        upcoming = following[:1]
        gap = upcoming.threshold - volume if upcoming else 0.0
        rebate = 0.0
        if current and self._compare_volume(volume, 0.0) > 0 and amount > 0:
            if self.method == "retroactive":
                rebate = current._amount_on(amount)
            else:
                # each bracket's rate on its own slice of the volume; on a
                # quantity basis the slice is valued at the average price
                price = amount / volume if self.basis == "quantity" else 1.0
                bounds = [b.threshold for b in reached[1:]] + [volume]
                for bracket, upper in zip(reached, bounds, strict=True):
                    rebate += bracket._amount_on((upper - bracket.threshold) * price)
        if self.basis == "amount":
            gap = self.currency_id.round(gap)
        else:
            gap = float_round(gap, precision_rounding=QUANTITY_ROUNDING)
        return self.currency_id.round(rebate), current, upcoming, gap

    # ------------------------------------------------------------------
    # Rebate records
    # ------------------------------------------------------------------
    def _ensure_rebates(self, date_from, date_to, partners=None):
        """The rebate records of the period for the participants (created
        when missing) and for dealers that already have one."""
        self.ensure_one()
        Rebate = self.env["dms.rebate"].sudo()
        existing = Rebate.search(
            [("program_id", "=", self.id), ("date_from", "=", date_from)]
        )
        participants = self._participants()
        if partners is not None:
            participants &= partners
            existing = existing.filtered(lambda r: r.partner_id in partners)
        missing = participants - existing.partner_id
        created = Rebate.with_context(tracking_disable=True).create(
            [
                {
                    "program_id": self.id,
                    "partner_id": partner.id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
                for partner in missing
            ]
        )
        return existing | created

    def _current_rebates(self, day=None, partners=None):
        """Rebate records of the running period of each program, with their
        figures refreshed."""
        rebates = self.env["dms.rebate"].sudo()
        for program in self:
            bounds = program._period_bounds(day or program.company_id._dms_today())
            if bounds:
                rebates |= program._ensure_rebates(*bounds, partners=partners)
        rebates._refresh_figures()
        return rebates

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_rebates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_rebate.action_dms_rebate"
        )
        action["domain"] = [("program_id", "=", self.id)]
        action["context"] = {"default_program_id": self.id}
        return action

    def action_compute_progress(self):
        """Create and refresh the rebates of the running period."""
        self._current_rebates()
        return self.action_view_rebates() if len(self) == 1 else True

    def action_open_accrual_wizard(self):
        self.env["dms.rebate"]._check_accounting_rights()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_rebate.action_dms_rebate_accrual_wizard"
        )
        action["context"] = {"default_program_ids": self.ids}
        return action

    # ------------------------------------------------------------------
    # Accruals
    # ------------------------------------------------------------------
    def _accounting(self):
        """Accounts and journals of the program's entries, or a UserError."""
        self.ensure_one()
        company = self.company_id
        journal = self.accrual_journal_id or self.env["account.journal"].sudo().search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        settle_type = "sale" if self.payout == "credit_note" else "purchase"
        settle_journal = self.settlement_journal_id
        if settle_journal and settle_journal.type != settle_type:
            raise UserError(
                _(
                    "The settlement journal of %(program)s must be a %(type)s "
                    "journal for this payout.",
                    program=self.name,
                    type=settle_type,
                )
            )
        settle_journal = settle_journal or self.env["account.journal"].sudo().search(
            [("type", "=", settle_type), ("company_id", "=", company.id)], limit=1
        )
        if not (
            self.expense_account_id
            and self.accrual_account_id
            and journal
            and settle_journal
        ):
            raise UserError(
                _(
                    "Set the rebate account, the accrued rebates account and the "
                    "journals of the program %(program)s first.",
                    program=self.name,
                )
            )
        return journal, settle_journal

    def _accrue(self, cutoff):
        """Post the accrual of the rebate earned up to ``cutoff`` (one entry
        per program: Dr rebate account, Cr accrued rebates, one pair of lines
        per dealer) and its reversal dated the next day.

        An earlier accrual of the same program and cut-off is cancelled (or
        reversed in a locked period) first: re-running replaces, never
        doubles. Returns the accrual entries."""
        self.env["dms.rebate"]._check_accounting_rights()
        cutoff = fields.Date.to_date(cutoff)
        if any(cutoff > program.company_id._dms_today() for program in self):
            raise UserError(_("An accrual cannot be dated in the future."))
        Move = self.env["account.move"].sudo()
        accruals = Move
        for program in self:
            if not program._is_cutoff(cutoff):
                raise UserError(
                    _(
                        "%(date)s is not a period end of the program %(program)s"
                        " (nor a month end it accrues at).",
                        date=cutoff,
                        program=program.name,
                    )
                )
            journal, __ = program._accounting()
            lock_date = program.company_id._get_user_fiscal_lock_date(journal)
            if cutoff <= lock_date:
                raise UserError(
                    _(
                        "The books of %(company)s are locked until %(date)s: "
                        "an accrual cannot be dated %(cutoff)s.",
                        company=program.company_id.name,
                        date=lock_date,
                        cutoff=cutoff,
                    )
                )
            date_from, date_to = program._period_bounds(cutoff)
            rebates = program._ensure_rebates(date_from, date_to)
            amounts = rebates._figures_at(cutoff)
            if cutoff == date_to or cutoff >= program.company_id._dms_today():
                rebates._store_figures(amounts)
            program._cancel_accruals(cutoff)
            line_vals = []
            for rebate in rebates.sorted(lambda r: r.partner_id.id):
                amount = amounts[rebate.id]["rebate_amount"]
                if program.currency_id.compare_amounts(amount, 0.0) <= 0:
                    continue
                label = _(
                    "Accrued rebate %(program)s %(period)s",
                    program=program.name,
                    period=rebate.period_label,
                )
                common = {
                    "name": label,
                    "partner_id": rebate.partner_id.id,
                    "dms_rebate_id": rebate.id,
                }
                line_vals += [
                    {
                        **common,
                        "account_id": program.expense_account_id.id,
                        "debit": amount,
                        "credit": 0.0,
                    },
                    {
                        **common,
                        "account_id": program.accrual_account_id.id,
                        "debit": 0.0,
                        "credit": amount,
                    },
                ]
            if not line_vals:
                continue
            ref = _(
                "Rebate accrual %(program)s at %(date)s",
                program=program.name,
                date=cutoff,
            )
            move = Move.create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "company_id": program.company_id.id,
                    "date": cutoff,
                    "ref": ref,
                    "dms_rebate_program_id": program.id,
                    "dms_rebate_cutoff": cutoff,
                    "dms_rebate_move_kind": "accrual",
                    "line_ids": [(0, 0, vals) for vals in line_vals],
                }
            )
            move._post(soft=False)
            reversal = move._reverse_moves(
                [
                    {
                        "date": cutoff + timedelta(days=1),
                        "ref": _("Reversal of: %(ref)s", ref=ref),
                        "dms_rebate_program_id": program.id,
                        "dms_rebate_cutoff": cutoff,
                        "dms_rebate_move_kind": "reversal",
                    }
                ]
            )
            # a reversal dated in the future waits: Odoo posts it on its date
            reversal._post(soft=True)
            accruals |= move
        return accruals

    def _cancel_accruals(self, cutoff):
        """Neutralise the accruals (and their reversals) of ``cutoff``:
        cancelled when their period is open, reversed otherwise."""
        self.ensure_one()
        old = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("dms_rebate_program_id", "=", self.id),
                    ("dms_rebate_cutoff", "=", cutoff),
                    ("dms_rebate_move_kind", "in", ("accrual", "reversal")),
                    ("state", "!=", "cancel"),
                ]
            )
        )
        # moves already neutralised by a reversal of a locked period
        old = old.filtered(
            lambda m: (
                not m.reversal_move_ids.filtered(
                    lambda r: r.dms_rebate_move_kind == "replaced"
                )
            )
        )
        if not old:
            return
        to_cancel = old.filtered(lambda m: m._can_be_unlinked())
        to_reverse = old - to_cancel
        to_cancel.filtered(lambda m: m.state == "posted").button_draft()
        to_cancel.button_cancel()
        if to_reverse:
            to_reverse._reverse_moves(
                [
                    {
                        "dms_rebate_program_id": self.id,
                        "dms_rebate_cutoff": cutoff,
                        "dms_rebate_move_kind": "replaced",
                    }
                    for __ in to_reverse
                ],
                cancel=True,
            )

    @api.model
    def _cron_accrue(self):
        """Accrue every program at its last period end (and month end when it
        accrues monthly) of the past month that has no accrual yet."""
        for program in self.search([("active", "=", True)]):
            # the days of the program's company, whoever runs the job
            yesterday = program.company_id._dms_today() - timedelta(days=1)
            month_end = yesterday.replace(day=1) - timedelta(days=1)
            if (yesterday + timedelta(days=1)).day == 1:
                month_end = yesterday
            candidates = {month_end}
            bounds = program._period_bounds(yesterday)
            if bounds and bounds[1] == yesterday:
                candidates.add(yesterday)
            if program.period_type == "custom" and program.date_end:
                candidates.add(program.date_end)
            for cutoff in sorted(candidates):
                if (
                    cutoff > yesterday
                    or yesterday - cutoff > timedelta(days=31)
                    or not program._is_cutoff(cutoff)
                ):
                    continue
                done = self.env["account.move"].search_count(
                    [
                        ("dms_rebate_program_id", "=", program.id),
                        ("dms_rebate_cutoff", "=", cutoff),
                        ("dms_rebate_move_kind", "=", "accrual"),
                    ],
                    limit=1,
                )
                if done:
                    continue
                try:
                    with self.env.cr.savepoint():
                        program._accrue(cutoff)
                except UserError as error:
                    program.message_post(
                        body=_(
                            "The accrual at %(date)s failed: %(error)s",
                            date=cutoff,
                            error=error.args[0],
                        )
                    )

    @api.model
    def _cron_refresh(self):
        """Refresh the progress of the running periods."""
        self.search([("active", "=", True)])._current_rebates()
        # periods closed within the last year may still receive late entries
        since = self.env.company._dms_today() - timedelta(days=366)
        open_rebates = self.env["dms.rebate"].search(
            [("state", "in", ("open", "accrued")), ("date_to", ">=", since)]
        )
        open_rebates._refresh_figures()


class DmsRebateBracket(models.Model):
    _name = "dms.rebate.bracket"
    _description = "Rebate Bracket"
    _order = "program_id, threshold, id"

    program_id = fields.Many2one(
        "dms.rebate.program", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    currency_id = fields.Many2one(related="program_id.currency_id")
    threshold = fields.Float(
        required=True,
        digits="Product Price",
        help="Volume from which the bracket applies (money or units, after the "
        "program's basis); reaching it exactly is enough.",
    )
    rate_type = fields.Selection(
        [("percent", "Rate (%)"), ("fixed", "Fixed Amount")],
        string="Type",
        required=True,
        default="percent",
    )
    rate = fields.Float(string="Rate (%)", digits=(16, 4))
    fixed_amount = fields.Monetary(currency_field="currency_id")

    _sql_constraints = [
        (
            "threshold_uniq",
            "unique(program_id, threshold)",
            "Two brackets of a program cannot have the same threshold.",
        ),
    ]

    @api.constrains("threshold", "rate", "fixed_amount", "rate_type")
    def _check_values(self):
        for bracket in self:
            if bracket.threshold < 0:
                raise ValidationError(_("A bracket threshold cannot be negative."))
            if not 0 <= bracket.rate <= 100:
                raise ValidationError(_("A bracket rate must be between 0 and 100 %."))
            if bracket.fixed_amount < 0:
                raise ValidationError(_("A bracket's fixed amount cannot be negative."))

    @api.depends("threshold", "rate_type", "rate", "fixed_amount")
    def _compute_display_name(self):
        for bracket in self:
            if bracket.rate_type == "percent":
                reward = f"{bracket.rate:g} %"
            else:
                reward = f"{bracket.fixed_amount:,.2f}"
            bracket.display_name = f"≥ {bracket.threshold:,.2f}: {reward}"

    def _amount_on(self, amount):
        """The bracket's reward on ``amount`` of sales."""
        self.ensure_one()
        if self.rate_type == "fixed":
            return self.fixed_amount
        return amount * self.rate / 100.0
