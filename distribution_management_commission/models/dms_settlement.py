from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.tools import SQL

from odoo.addons.distribution_management.models.claim_lock import lock_for_claim


class DmsSettlement(models.Model):
    _name = "dms.settlement"
    _description = "Commission Settlement"
    _inherit = ["mail.thread", "dms.state.guard.mixin"]
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
    amount_total = fields.Monetary(readonly=True, help="Amount of the bill.")
    move_id = fields.Many2one("account.move", string="Vendor Bill", readonly=True)
    state = fields.Selection(
        [
            ("invoiced", "Invoiced"),
            ("posted", "Bill Posted"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        string="Status",
        compute="_compute_state",
        store=True,
        tracking=True,
    )
    dms_grid_id = fields.Many2one(
        related="beneficiary_id.dms_grid_id", store=True, index=True, string="Grid"
    )

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

        Distributors and lines are taken with ``SKIP LOCKED``: two runs at once
        never settle a line twice, and a run never pays a balance a withdrawal
        request is taking at the same time. Distributors with a withdrawal waiting for a
        decision are left out: their request is decided first.
        """
        Line = self.env["dms.commission.line"].sudo()
        Line.flush_model()
        self.env["dms.withdrawal"].flush_model(["beneficiary_id", "decision"])
        query = SQL(
            """
            SELECT id, company_id, currency_id, beneficiary_id, amount
              FROM dms_commission_line
             WHERE state = 'available' AND settlement_id IS NULL AND %s
               AND beneficiary_id NOT IN (
                   SELECT beneficiary_id FROM dms_withdrawal
                    WHERE decision = 'requested')
            """,
            self._cutoff_sql(date_to),
        )
        if beneficiaries is None:
            self.env.cr.execute(
                SQL("SELECT DISTINCT beneficiary_id FROM (%s) AS todo", query)
            )
            beneficiaries = self.env["res.partner"].browse(
                row[0] for row in self.env.cr.fetchall()
            )
        # the claim lock of each distributor (see claim_lock): one whose
        # withdrawal is being requested or approved right now is left to a
        # later run; a request made meanwhile waits for this run, then sees it
        beneficiaries = lock_for_claim(beneficiaries.sudo(), skip_locked=True)
        query = SQL("%s AND beneficiary_id = ANY(%s)", query, beneficiaries.ids)
        self.env.cr.execute(SQL("%s ORDER BY id FOR UPDATE SKIP LOCKED", query))
        groups = defaultdict(lambda: [[], 0.0])
        for (
            line_id,
            company_id,
            currency_id,
            beneficiary_id,
            amount,
        ) in self.env.cr.fetchall():
            group = groups[(company_id, currency_id, beneficiary_id)]
            group[0].append(line_id)
            group[1] += amount
        todo = []
        for (company_id, currency_id, beneficiary_id), (line_ids, total) in sorted(
            groups.items()
        ):
            currency = self.env["res.currency"].browse(currency_id)
            total = currency.round(total)
            if currency.compare_amounts(total, 0.0) > 0:  # a net debit waits
                todo.append((company_id, currency_id, beneficiary_id, line_ids, total))
        if not todo:
            return self.browse()
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "dms.settlement"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        names = [sequence._next() if sequence else "/" for __ in todo]
        Company = self.env["res.company"].sudo()
        days = {
            company_id: date_to or Company.browse(company_id)._dms_today()
            for company_id in {group[0] for group in todo}
        }
        bills = (
            self.env["account.move"]
            .sudo()
            .create(
                [
                    self._prepare_bill_vals(name, *group[:3], group[4], days[group[0]])
                    for name, group in zip(names, todo, strict=True)
                ]
            )
        )
        # one chatter message per settlement would double the run's cost:
        # the creation is logged on the bill
        settlements = (
            self.sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create(
                [
                    {
                        "name": name,
                        "company_id": company_id,
                        "currency_id": currency_id,
                        "beneficiary_id": beneficiary_id,
                        "amount_total": total,
                        "date": days[company_id],
                        "move_id": bill.id,
                    }
                    for name, (
                        company_id,
                        currency_id,
                        beneficiary_id,
                        __,
                        total,
                    ), bill in zip(names, todo, bills, strict=True)
                ]
            )
        )
        # the lines of every settlement in one statement
        line_ids, settlement_ids = [], []
        for settlement, group in zip(settlements, todo, strict=True):
            line_ids += group[3]
            settlement_ids += [settlement.id] * len(group[3])
        self.env.cr.execute(
            SQL(
                """
                UPDATE dms_commission_line line
                   SET settlement_id = todo.settlement_id, state = 'settled',
                       write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                  FROM unnest(%s::int[], %s::int[]) AS todo(line_id, settlement_id)
                 WHERE line.id = todo.line_id
                """,
                self.env.uid,
                line_ids,
                settlement_ids,
            )
        )
        Line.invalidate_model(["settlement_id", "state", "write_uid", "write_date"])
        settlements.invalidate_recordset(["line_ids"])
        return settlements

    @api.model
    def _prepare_bill_vals(
        self, name, company_id, currency_id, beneficiary_id, total, date
    ):
        company = self.env["res.company"].browse(company_id)
        journal, account = company._dms_commission_accounting()
        return {
            "move_type": "in_invoice",
            "partner_id": beneficiary_id,
            "company_id": company_id,
            "journal_id": journal.id,
            "currency_id": currency_id,
            "invoice_date": date,
            "ref": name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": _("Commissions %(settlement)s", settlement=name),
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
    def _cutoff_sql(self, date_to=None):
        """Condition on ``dms_commission_line.date``: up to ``date_to``, by
        default up to today in the calendar of each line's company (whoever
        runs the settlement, a cron user or an accountant in another tz)."""
        if date_to:
            return SQL("date <= %s", date_to)
        pairs = [
            (company_id, day)
            for day, ids in self.env["res.company"]._dms_companies_by_today().items()
            for company_id in ids
        ]
        return SQL(
            """date <= (SELECT c.day FROM unnest(%s::int[], %s::date[])
                                     AS c(id, day)
                         WHERE c.id = company_id)""",
            [company_id for company_id, __ in pairs],
            [day for __, day in pairs],
        )

    @api.model
    def _preview(self, date_to=None, beneficiaries=None):
        """What a settlement run up to ``date_to`` would bill, without
        settling: one dict per company, currency and beneficiary with
        ``amount`` (rounded as the bill will be) and ``line_count``; groups
        whose net is not positive are left out, as the run does. Distributors
        with a withdrawal waiting for a decision are returned apart
        (``held``): the run leaves them out until it is decided."""
        self.env["dms.commission.line"].flush_model()
        self.env["dms.withdrawal"].flush_model(["beneficiary_id", "decision"])
        scope = SQL("TRUE")
        if beneficiaries is not None:
            scope = SQL("beneficiary_id = ANY(%s)", beneficiaries.ids)
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, currency_id, beneficiary_id, sum(amount),
                       count(*),
                       beneficiary_id IN (SELECT beneficiary_id FROM dms_withdrawal
                                           WHERE decision = 'requested')
                  FROM dms_commission_line
                 WHERE state = 'available' AND settlement_id IS NULL
                   AND %s AND %s
              GROUP BY company_id, currency_id, beneficiary_id
              ORDER BY sum(amount) DESC, beneficiary_id
                """,
                self._cutoff_sql(date_to),
                scope,
            )
        )
        Currency = self.env["res.currency"]
        rows, held = [], self.env["res.partner"]
        for (
            company_id,
            currency_id,
            partner_id,
            total,
            count,
            waiting,
        ) in self.env.cr.fetchall():
            currency = Currency.browse(currency_id)
            total = currency.round(total)
            if currency.compare_amounts(total, 0.0) <= 0:
                continue
            if waiting:
                held |= held.browse(partner_id)
                continue
            rows.append(
                {
                    "company_id": company_id,
                    "currency_id": currency_id,
                    "beneficiary_id": partner_id,
                    "amount": total,
                    "line_count": count,
                }
            )
        return rows, held

    @api.model
    def _settleable_beneficiaries(self, date_to=None):
        """Distributors with a positive available commission to settle (and
        no withdrawal waiting for a decision), in id order."""
        self.env["dms.commission.line"].flush_model()
        self.env["dms.withdrawal"].flush_model(["beneficiary_id", "decision"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT beneficiary_id FROM (
                    SELECT beneficiary_id FROM dms_commission_line
                     WHERE state = 'available' AND settlement_id IS NULL
                       AND %s
                       AND beneficiary_id NOT IN (
                           SELECT beneficiary_id FROM dms_withdrawal
                            WHERE decision = 'requested')
                  GROUP BY beneficiary_id, company_id, currency_id
                    HAVING sum(amount) > 0) AS positive
              ORDER BY beneficiary_id
                """,
                self._cutoff_sql(date_to),
            )
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        return self.env["res.partner"].browse(partner_ids)

    @api.model
    def _cron_settle(self, batch_size=500):
        """Settle one batch of distributors per run and report the progress:
        the scheduler runs the job again at once while some are left."""
        beneficiaries = self._settleable_beneficiaries()
        batch = beneficiaries[:batch_size]
        self._settle(beneficiaries=batch)
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(beneficiaries) - len(batch)
        )
        return True

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.move_id.id,
        }
