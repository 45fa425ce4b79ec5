from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class DmsSettlement(models.Model):
    _name = "dms.settlement"
    _description = "Commission Settlement"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    beneficiary_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    line_ids = fields.One2many(
        "dms.commission.line", "settlement_id", string="Commission Lines", readonly=True
    )
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True)
    move_id = fields.Many2one("account.move", string="Vendor Bill", readonly=True)
    state = fields.Selection(
        [
            ("invoiced", "Invoiced"),
            ("posted", "Bill Posted"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        tracking=True,
    )
    dms_grid_id = fields.Many2one(
        related="beneficiary_id.dms_grid_id", store=True, index=True, string="Grid"
    )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for settlement in self:
            settlement.amount_total = sum(settlement.line_ids.mapped("amount"))

    @api.depends("move_id.state", "move_id.payment_state")
    def _compute_state(self):
        """The settlement follows its bill."""
        for settlement in self:
            move = settlement.move_id
            if not move or move.state == "cancel":
                settlement.state = "cancel"
            elif move.payment_state in ("paid", "in_payment"):
                settlement.state = "paid"
            elif move.state == "posted":
                settlement.state = "posted"
            else:
                settlement.state = "invoiced"

    @api.model
    def _settle(self, date_to=None, beneficiaries=None):
        """Settle the available commission up to ``date_to``: one settlement
        and one vendor bill per company, currency and beneficiary.

        Lines are taken with ``FOR UPDATE SKIP LOCKED``: two runs at once never
        settle a line twice.
        """
        date_to = date_to or fields.Date.context_today(self)
        Line = self.env["dms.commission.line"].sudo()
        Line.flush_model()
        query = SQL(
            "SELECT id FROM dms_commission_line WHERE state = 'available' "
            "AND settlement_id IS NULL AND date <= %s",
            date_to,
        )
        if beneficiaries:
            query = SQL("%s AND beneficiary_id = ANY(%s)", query, beneficiaries.ids)
        self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query))
        lines = Line.browse([row[0] for row in self.env.cr.fetchall()])
        groups = defaultdict(lambda: Line.browse())
        for line in lines:
            groups[(line.company_id, line.currency_id, line.beneficiary_id)] |= line
        settlements = self.browse()
        for (company, currency, beneficiary), group in groups.items():
            total = currency.round(sum(group.mapped("amount")))
            if currency.compare_amounts(total, 0.0) <= 0:
                continue  # a net debit waits for future commission
            settlement = self.sudo().create(
                {
                    "name": self.env["ir.sequence"].next_by_code("dms.settlement")
                    or "/",
                    "beneficiary_id": beneficiary.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "date": date_to,
                }
            )
            group.write({"settlement_id": settlement.id, "state": "settled"})
            settlement.move_id = (
                self.env["account.move"]
                .sudo()
                .create(settlement._prepare_bill_vals(total))
            )
            settlements |= settlement
        return settlements

    def _prepare_bill_vals(self, total):
        self.ensure_one()
        company = self.company_id
        journal = company.dms_commission_journal_id or self.env[
            "account.journal"
        ].search([("type", "=", "purchase"), ("company_id", "=", company.id)], limit=1)
        account = company.dms_commission_expense_account_id
        if not journal or not account:
            raise UserError(
                _(
                    "Set the commission journal and expense account in the "
                    "Distribution settings of %(company)s first.",
                    company=company.name,
                )
            )
        return {
            "move_type": "in_invoice",
            "partner_id": self.beneficiary_id.id,
            "company_id": company.id,
            "journal_id": journal.id,
            "currency_id": self.currency_id.id,
            "invoice_date": self.date,
            "ref": self.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": _("Commissions %(settlement)s", settlement=self.name),
                        "account_id": account.id,
                        "quantity": 1,
                        "price_unit": total,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    def _release_lines(self):
        """The bill is gone: its commission lines are available again."""
        self.line_ids.sudo().write({"settlement_id": False, "state": "available"})

    @api.model
    def _cron_settle(self):
        self._settle()
        return True

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.move_id.id,
        }
