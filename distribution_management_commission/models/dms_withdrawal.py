import math
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.distribution_management.models.claim_lock import lock_for_claim

# set by the approval only, never by a create
DECISION_FIELDS = ("move_id", "decided_by_id", "decision_date", "ledger_line_ids")
# what a user may write on a withdrawal (everything else goes through actions)
WRITABLE_FIELDS = {"reject_reason", "message_main_attachment_id"}


class DmsWithdrawal(models.Model):
    """A distributor's request to be paid (提现) from their available
    commission balance.

    The balance is never stored: it is the sum of the ledger's available
    lines minus the withdrawals still waiting for a decision. Approving a
    withdrawal debits the ledger with a ``withdrawal`` line (the settlement
    runs net it against later commission) and posts a vendor bill for the
    amount less the fee; rejecting it writes nothing to the ledger, so the
    balance is restored by construction.
    """

    _name = "dms.withdrawal"
    _description = "Commission Withdrawal"
    _inherit = ["mail.thread", "dms.state.guard.mixin"]
    _dms_state_fields = ("decision", "state")
    _order = "request_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    beneficiary_id = fields.Many2one(
        "res.partner", string="Distributor", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    request_date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    amount = fields.Monetary(
        string="Requested Amount",
        required=True,
        readonly=True,
        help="Taken from the available balance, fee included.",
    )
    fee_amount = fields.Monetary(string="Fee", readonly=True)
    net_amount = fields.Monetary(
        string="Amount Paid Out", compute="_compute_net_amount", store=True
    )
    decision = fields.Selection(
        [
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("withdrawn", "Withdrawn by Distributor"),
        ],
        required=True,
        default="requested",
        readonly=True,
        # not tracked: the status follows it, one line in the chatter
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("paid", "Paid"),
            ("rejected", "Rejected"),
            ("cancel", "Cancelled"),
        ],
        string="Status",
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    reject_reason = fields.Text(tracking=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decision_date = fields.Datetime(readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Vendor Bill", readonly=True, copy=False
    )
    ledger_line_ids = fields.One2many(
        "dms.commission.line", "withdrawal_id", string="Ledger Lines", readonly=True
    )
    dms_grid_id = fields.Many2one("dms.grid", string="Grid", readonly=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        """Every withdrawal is a request checked here, whoever creates it (the
        portal, an accountant in the form, RPC, an import): an approved
        distributor, a positive amount above the minimum, covered by the
        balance; the fee is computed here, never taken from ``vals``. A
        withdrawal starts as a request: decisions go through the buttons."""
        # the distributor is read as superuser: the right checked here is the
        # right to create withdrawals (accountants), not the grid rules
        Partner = self.env["res.partner"].sudo()
        # the balance check of each request counts the earlier ones of the batch
        batch = defaultdict(float)
        for vals in vals_list:
            if vals.get("decision", "requested") != "requested" or any(
                vals.get(key) for key in DECISION_FIELDS
            ):
                raise UserError(
                    _(
                        "A withdrawal starts as a request; it is approved or "
                        "rejected with its buttons."
                    )
                )
            partner_id = vals.get("beneficiary_id")
            valid_id = isinstance(partner_id, int) and not isinstance(partner_id, bool)
            partner = Partner.browse(partner_id if valid_id else ()).exists()
            if not partner:
                raise ValidationError(_("Choose the distributor who withdraws."))
            partner = partner.commercial_partner_id
            company_id = vals.get("company_id") or self.env.company.id
            company = (
                self.env["res.company"]
                .browse(company_id if isinstance(company_id, int) else ())
                .exists()
            )
            if not company:
                raise ValidationError(_("Choose the company that pays the withdrawal."))
            amount, fee = self._check_request(
                partner, vals.get("amount"), company, batch[partner, company]
            )
            batch[partner, company] += amount
            for key in ("state", "net_amount", "request_date"):
                vals.pop(key, None)
            vals.update(
                {
                    "beneficiary_id": partner.id,
                    "company_id": company.id,
                    "amount": amount,
                    "fee_amount": fee,
                    "decision": "requested",
                    "dms_grid_id": partner.dms_grid_id.id,
                    "name": self.env["ir.sequence"].next_by_code("dms.withdrawal")
                    or "/",
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        """Only the reason of a rejection is typed in; amounts, fee and
        decision change through the actions below (which write as
        superuser)."""
        # the workflow fields are refused (or let through unchanged) by the
        # state guard, with its own message
        editable = WRITABLE_FIELDS | set(self._dms_state_fields)
        if not self.env.su and set(vals) - editable:
            raise UserError(
                _(
                    "A withdrawal cannot be edited: approve or reject it with "
                    "its buttons, or let the distributor request another one."
                )
            )
        return super().write(vals)

    @api.onchange("amount", "company_id")
    def _onchange_amount_fee(self):
        """Show the fee of a request typed in the back office (the server
        computes it again on save)."""
        company = self.company_id or self.env.company
        amount = self.amount or 0.0
        if math.isfinite(amount) and amount > 0:
            self.fee_amount = self._fee_for(amount, company)

    @api.depends("amount", "fee_amount")
    def _compute_net_amount(self):
        for withdrawal in self:
            withdrawal.net_amount = withdrawal.amount - withdrawal.fee_amount

    @api.depends("decision", "move_id.state", "move_id.payment_state")
    def _compute_state(self):
        """An approved withdrawal follows its bill."""
        for withdrawal in self:
            move = withdrawal.move_id
            if withdrawal.decision == "rejected":
                withdrawal.state = "rejected"
            elif withdrawal.decision == "withdrawn":
                withdrawal.state = "cancel"
            elif withdrawal.decision == "requested":
                withdrawal.state = "requested"
            elif not move or move.state == "cancel":
                withdrawal.state = "cancel"
            elif move.payment_state in ("paid", "in_payment"):
                withdrawal.state = "paid"
            else:
                withdrawal.state = "approved"

    # ------------------------------------------------------------------
    # Balance, always derived from the ledger
    # ------------------------------------------------------------------
    @api.model
    def _balances(self, partners, company=None):
        """Commission figures of ``partners`` in ``company``'s currency:
        {partner_id: {pending, available, to_pay, paid, requested, balance}}.

        - pending: accrued, not yet available (unpaid invoice, freeze period)
        - available: available ledger lines, net of approved withdrawals
        - to_pay: in a settlement bill or an approved withdrawal whose bill is
          not paid yet (draft or posted)
        - paid: paid out: settlement bills and withdrawal bills that are paid
          (payment state paid or in payment)
        - requested: withdrawals waiting for a decision
        - balance: what may still be withdrawn (available - requested)

        pending + available + to_pay + paid is all the commission ever earned.
        """
        company = company or self.env.company
        Line = self.env["dms.commission.line"]
        Line.flush_model(
            [
                "beneficiary_id",
                "company_id",
                "state",
                "amount",
                "kind",
                "settlement_id",
                "withdrawal_id",
            ]
        )
        self.flush_model(["beneficiary_id", "company_id", "decision", "amount"])
        self.env["dms.settlement"].flush_model(["move_id"])
        self.flush_model(["move_id"])
        self.env["account.move"].flush_model(["payment_state"])
        paid = SQL("('paid', 'in_payment')")
        self.env.cr.execute(
            SQL(
                """
                SELECT line.beneficiary_id,
                       sum(line.amount) FILTER (
                           WHERE line.state IN ('pending', 'earned')),
                       sum(line.amount) FILTER (WHERE line.state = 'available'),
                       coalesce(sum(line.amount) FILTER (
                           WHERE line.state = 'settled'), 0)
                       - coalesce(sum(line.amount) FILTER (
                             WHERE line.withdrawal_id IS NOT NULL), 0),
                       coalesce(sum(line.amount) FILTER (
                           WHERE line.state = 'settled'
                             AND settlement_bill.payment_state IN %(paid)s), 0)
                       - coalesce(sum(line.amount) FILTER (
                             WHERE line.withdrawal_id IS NOT NULL
                               AND withdrawal_bill.payment_state IN %(paid)s), 0),
                       0
                  FROM dms_commission_line line
             LEFT JOIN dms_settlement settlement
                    ON settlement.id = line.settlement_id
             LEFT JOIN account_move settlement_bill
                    ON settlement_bill.id = settlement.move_id
             LEFT JOIN dms_withdrawal withdrawal
                    ON withdrawal.id = line.withdrawal_id
             LEFT JOIN account_move withdrawal_bill
                    ON withdrawal_bill.id = withdrawal.move_id
                 WHERE line.beneficiary_id = ANY(%(partners)s)
                   AND line.company_id = %(company)s
              GROUP BY line.beneficiary_id
                 UNION ALL
                SELECT beneficiary_id, 0, 0, 0, 0, sum(amount)
                  FROM dms_withdrawal
                 WHERE beneficiary_id = ANY(%(partners)s)
                   AND company_id = %(company)s AND decision = 'requested'
              GROUP BY beneficiary_id
                """,
                partners=partners.ids,
                company=company.id,
                paid=paid,
            )
        )
        keys = ("pending", "available", "to_pay", "paid", "requested")
        result = {
            partner.id: dict.fromkeys(keys + ("balance",), 0.0) for partner in partners
        }
        for partner_id, *figures in self.env.cr.fetchall():
            for key, value in zip(keys, figures, strict=True):
                result[partner_id][key] += value or 0.0
        currency = company.currency_id
        for figures in result.values():
            # the query gave what left the balance; what is not paid is to pay
            figures["to_pay"] -= figures["paid"]
            for key in keys:
                figures[key] = currency.round(figures[key])
            figures["balance"] = currency.round(
                figures["available"] - figures["requested"]
            )
        return result

    @api.model
    def _fee_for(self, amount, company):
        """Withdrawal fee of ``amount``: percentage plus fixed part, never more
        than the amount itself."""
        fee = amount * company.dms_withdrawal_fee_percent / 100
        fee += company.dms_withdrawal_fee_fixed
        return company.currency_id.round(min(fee, amount))

    def _check_request(self, partner, amount, company, already=0.0):
        """Check a request of ``amount`` by the commercial ``partner``:
        returns (rounded amount, fee) or raises the refusal the distributor
        sees. Takes the distributor's claim lock first (see claim_lock), so a
        request running at the same time waits, then sees this one.
        ``already``: what earlier requests of the same batch take."""
        currency = company.currency_id
        if partner.dms_state != "approved":
            raise UserError(_("Only an approved distributor can withdraw commission."))
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or not math.isfinite(amount)
        ):
            raise ValidationError(_("Enter the amount to withdraw as a number."))
        amount = currency.round(amount)
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(_("The amount to withdraw must be positive."))
        minimum = company.dms_withdrawal_min_amount
        if currency.compare_amounts(amount, minimum) < 0:
            raise ValidationError(
                _(
                    "The minimum withdrawal is %(minimum)s.",
                    minimum=currency.format(minimum),
                )
            )
        fee = self._fee_for(amount, company)
        if currency.compare_amounts(fee, amount) >= 0:
            raise ValidationError(
                _(
                    "The fee of %(fee)s would take the whole amount: withdraw more.",
                    fee=currency.format(fee),
                )
            )
        lock_for_claim(partner)
        balance = self._balances(partner, company)[partner.id]["balance"] - already
        if currency.compare_amounts(amount, balance) > 0:
            raise ValidationError(
                _(
                    "You can withdraw at most %(balance)s.",
                    balance=currency.format(max(balance, 0.0)),
                )
            )
        return amount, fee

    @api.model
    def _request(self, partner, amount, company=None):
        """Create a withdrawal request of ``partner`` (checked by ``create``).

        Called by the portal (as superuser, after the portal checked who the
        distributor is) and by the back office."""
        company = company or self.env.company
        return self.sudo().create(
            {
                "beneficiary_id": partner.commercial_partner_id.id,
                "company_id": company.id,
                "amount": amount,
            }
        )

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def _check_accountant(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(_("Only accountants approve or reject withdrawals."))

    def _check_requested(self):
        for withdrawal in self:
            if withdrawal.decision != "requested":
                raise UserError(
                    _(
                        "Withdrawal %(name)s was already decided.",
                        name=withdrawal.name,
                    )
                )

    def action_approve(self):
        """Debit the ledger and post the vendor bill of the net amount."""
        self._check_accountant()
        # an approval at the same time (of this request, or a settlement of
        # the same distributor) waits, then sees this one
        lock_for_claim(self.beneficiary_id)
        self._check_requested()
        Line = self.env["dms.commission.line"].sudo()
        for withdrawal in self:
            company = withdrawal.company_id
            currency = company.currency_id
            figures = self._balances(withdrawal.beneficiary_id, company)[
                withdrawal.beneficiary_id.id
            ]
            # the balance already counts this request among the requested ones
            if currency.compare_amounts(figures["balance"], 0.0) < 0:
                raise UserError(
                    _(
                        "%(name)s: the available balance of %(partner)s no longer "
                        "covers the requested amount (credit notes reversed some "
                        "commission). Reject the request.",
                        name=withdrawal.name,
                        partner=withdrawal.beneficiary_id.display_name,
                    )
                )
            move = (
                self.env["account.move"].sudo().create(withdrawal._prepare_bill_vals())
            )
            move.action_post()
            debit = -withdrawal.amount
            Line.create(withdrawal._prepare_ledger_vals("withdrawal", debit))
            withdrawal.sudo().write(
                {
                    "decision": "approved",
                    "move_id": move.id,
                    "decided_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                }
            )
        return True

    def action_reject(self):
        self._check_accountant()
        self._check_requested()
        if any(not (w.reject_reason or "").strip() for w in self):
            raise UserError(_("Give the reason of the rejection first."))
        self.sudo().write(
            {
                "decision": "rejected",
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        return True

    def _action_withdraw(self):
        """The distributor cancels a request still waiting for a decision."""
        self._check_requested()
        self.sudo().write({"decision": "withdrawn"})

    def _restore_balance(self):
        """The bill of an approved withdrawal was cancelled or deleted: give
        the amount back to the ledger with a reversing line (once)."""
        Line = self.env["dms.commission.line"].sudo()
        restored = set(
            Line.search(
                [("withdrawal_id", "in", self.ids), ("kind", "=", "reversal")]
            ).withdrawal_id.ids
        )
        vals_list = [
            withdrawal._prepare_ledger_vals("reversal", withdrawal.amount)
            for withdrawal in self
            if withdrawal.decision == "approved" and withdrawal.id not in restored
        ]
        Line.create(vals_list)

    def _prepare_ledger_vals(self, kind, amount):
        self.ensure_one()
        today = self.company_id._dms_today()
        return {
            "beneficiary_id": self.beneficiary_id.id,
            "level": 0,
            "kind": kind,
            "withdrawal_id": self.id,
            "amount": amount,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "date": today,
            "available_date": today,
            "state": "available",
            "dms_grid_id": self.dms_grid_id.id,
        }

    def _prepare_bill_vals(self):
        self.ensure_one()
        company = self.company_id
        journal, account = company._dms_commission_accounting()
        lines = [
            Command.create(
                {
                    "name": _("Commission withdrawal %(name)s", name=self.name),
                    "account_id": account.id,
                    "quantity": 1,
                    "price_unit": self.amount,
                    "tax_ids": [Command.clear()],
                }
            )
        ]
        if not self.currency_id.is_zero(self.fee_amount):
            lines.append(
                Command.create(
                    {
                        "name": _("Withdrawal fee"),
                        "account_id": (
                            company.dms_withdrawal_fee_account_id or account
                        ).id,
                        "quantity": 1,
                        "price_unit": -self.fee_amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            )
        return {
            "move_type": "in_invoice",
            "partner_id": self.beneficiary_id.id,
            "company_id": company.id,
            "journal_id": journal.id,
            "currency_id": self.currency_id.id,
            "invoice_date": company._dms_today(),
            "ref": self.name,
            "invoice_line_ids": lines,
        }

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.move_id.id,
        }
