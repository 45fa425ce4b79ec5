import io

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.distribution_management.tools.xlsx import new_workbook, write_cell

from .dms_rebate import ACCOUNTING_GROUP

# the receivable figures of a statement, in the order they add up
FIGURES = (
    "opening_balance",
    "invoiced_amount",
    "refund_amount",
    "rebate_credit_amount",
    "payment_amount",
    "other_amount",
    "closing_balance",
)


class DmsStatement(models.Model):
    """A dealer's statement of account (对账单) for a period: receivable
    movements and rebates, every figure read from the general ledger."""

    _name = "dms.statement"
    _description = "Dealer Statement"
    _inherit = ["portal.mixin", "mail.thread", "dms.state.guard.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        domain="[('dms_state', '!=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("confirmed", "Confirmed"),
            ("disputed", "Disputed"),
        ],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    dms_grid_id = fields.Many2one(
        related="partner_id.dms_grid_id", store=True, index=True, string="Grid"
    )
    opening_balance = fields.Monetary(
        readonly=True, help="Receivable balance before the period."
    )
    invoiced_amount = fields.Monetary(string="Invoices", readonly=True)
    refund_amount = fields.Monetary(
        string="Credit Notes", readonly=True, help="Credit notes other than rebates."
    )
    rebate_credit_amount = fields.Monetary(string="Rebate Credit Notes", readonly=True)
    payment_amount = fields.Monetary(string="Payments", readonly=True)
    other_amount = fields.Monetary(
        string="Other Entries", readonly=True, help="Other receivable entries."
    )
    closing_balance = fields.Monetary(
        readonly=True, help="Receivable balance at the end of the period (open)."
    )
    rebate_ids = fields.Many2many(
        "dms.rebate",
        string="Rebates",
        compute="_compute_rebate_ids",
        help="Rebates of the dealer whose period ends in the statement period.",
    )
    rebate_basis = fields.Monetary(compute="_compute_rebate_ids")
    rebate_amount = fields.Monetary(string="Rebate", compute="_compute_rebate_ids")
    rebate_accrued = fields.Monetary(string="Accrued", compute="_compute_rebate_ids")
    rebate_settled = fields.Monetary(string="Settled", compute="_compute_rebate_ids")
    answer_date = fields.Datetime(readonly=True, copy=False)
    answer_comment = fields.Text(string="Dealer Comment", readonly=True, copy=False)

    _sql_constraints = [
        (
            "period_uniq",
            "unique(partner_id, company_id, date_from, date_to)",
            "The dealer already has a statement for this period.",
        ),
    ]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for statement in self:
            if statement.date_to < statement.date_from:
                raise ValidationError(_("A statement cannot end before it starts."))

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("dms.statement") or "/"
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
        statements = super().create(vals_list)
        statements._compute_figures()
        return statements

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/dms/statements/{statement.id}"
        return res

    @api.depends("partner_id", "date_from", "date_to")
    def _compute_rebate_ids(self):
        Rebate = self.env["dms.rebate"]
        for statement in self:
            rebates = Rebate.search(
                [
                    ("partner_id", "=", statement.partner_id.id),
                    ("company_id", "=", statement.company_id.id),
                    ("date_to", ">=", statement.date_from),
                    ("date_to", "<=", statement.date_to),
                ]
            )
            statement.rebate_ids = rebates
            statement.rebate_basis = sum(rebates.mapped("basis_amount"))
            statement.rebate_amount = sum(rebates.mapped("rebate_amount"))
            statement.rebate_accrued = sum(rebates.mapped("accrued_amount"))
            statement.rebate_settled = sum(rebates.mapped("settled_amount"))

    # ------------------------------------------------------------------
    # Figures from the general ledger
    # ------------------------------------------------------------------
    def _figure_domains(self):
        """Journal items behind each figure: the same conditions as the query
        of ``_compute_figures``."""
        self.ensure_one()
        base = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
        ]
        period = base + [("date", ">=", self.date_from), ("date", "<=", self.date_to)]
        payment = [
            ("move_id.move_type", "=", "entry"),
            "|",
            ("move_id.origin_payment_id", "!=", False),
            ("move_id.statement_line_id", "!=", False),
        ]
        return {
            "opening_balance": base + [("date", "<", self.date_from)],
            "invoiced_amount": period + [("move_id.move_type", "=", "out_invoice")],
            "refund_amount": period
            + [
                ("move_id.move_type", "=", "out_refund"),
                ("move_id.dms_rebate_move_kind", "!=", "settlement"),
            ],
            "rebate_credit_amount": period
            + [
                ("move_id.move_type", "=", "out_refund"),
                ("move_id.dms_rebate_move_kind", "=", "settlement"),
            ],
            "payment_amount": period + payment,
            "other_amount": period
            + [
                ("move_id.move_type", "not in", ("out_invoice", "out_refund")),
                "!",
                "&",
                ("move_id.move_type", "=", "entry"),
                "|",
                ("move_id.origin_payment_id", "!=", False),
                ("move_id.statement_line_id", "!=", False),
            ],
            "closing_balance": base + [("date", "<=", self.date_to)],
        }

    def _compute_figures(self):
        """Receivable figures of each statement, one query each."""
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "company_id",
                "parent_state",
                "account_id",
                "date",
                "balance",
            ]
        )
        self.env["account.move"].flush_model(
            [
                "move_type",
                "origin_payment_id",
                "statement_line_id",
                "dms_rebate_move_kind",
            ]
        )
        for statement in self:
            self.env.cr.execute(
                SQL(
                    """
                    WITH items AS (
                        SELECT aml.date, aml.balance, move.move_type,
                               move.dms_rebate_move_kind AS kind,
                               (move.move_type = 'entry'
                                AND (move.origin_payment_id IS NOT NULL
                                     OR move.statement_line_id IS NOT NULL))
                                   AS is_payment
                          FROM account_move_line aml
                          JOIN account_move move ON move.id = aml.move_id
                          JOIN account_account account ON account.id = aml.account_id
                         WHERE aml.partner_id = %(partner)s
                           AND aml.company_id = %(company)s
                           AND aml.parent_state = 'posted'
                           AND account.account_type = 'asset_receivable'
                           AND aml.date <= %(date_to)s
                    )
                    SELECT
                        COALESCE(SUM(balance) FILTER (WHERE date < %(date_from)s), 0),
                        COALESCE(SUM(balance) FILTER (WHERE date >= %(date_from)s
                            AND move_type = 'out_invoice'), 0),
                        COALESCE(SUM(balance) FILTER (WHERE date >= %(date_from)s
                            AND move_type = 'out_refund'
                            AND kind IS DISTINCT FROM 'settlement'), 0),
                        COALESCE(SUM(balance) FILTER (WHERE date >= %(date_from)s
                            AND move_type = 'out_refund' AND kind = 'settlement'), 0),
                        COALESCE(SUM(balance) FILTER (WHERE date >= %(date_from)s
                            AND is_payment), 0),
                        COALESCE(SUM(balance) FILTER (WHERE date >= %(date_from)s
                            AND move_type NOT IN ('out_invoice', 'out_refund')
                            AND NOT is_payment), 0),
                        COALESCE(SUM(balance), 0)
                      FROM items
                    """,
                    partner=statement.partner_id.id,
                    company=statement.company_id.id,
                    date_from=statement.date_from,
                    date_to=statement.date_to,
                )
            )
            row = self.env.cr.fetchone()
            currency = statement.currency_id
            statement.sudo().with_context(tracking_disable=True).write(
                {
                    key: currency.round(value)
                    for key, value in zip(FIGURES, row, strict=True)
                }
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_accountant(self):
        if not (
            self.env.su
            or self.env.user._is_superuser()
            or self.env.user.has_group(ACCOUNTING_GROUP)
        ):
            raise UserError(_("Only accountants can prepare and send statements."))

    def action_refresh(self):
        self._check_accountant()
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(_("Only draft statements can be recomputed."))
        self.rebate_ids._refresh_figures()
        self._compute_figures()
        return True

    def action_send(self):
        """Freeze the figures and make the statement visible to the dealer."""
        self._check_accountant()
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(_("Only draft statements can be sent."))
        self.rebate_ids._refresh_figures()
        self._compute_figures()
        self.sudo().write({"state": "sent", "answer_comment": False})
        for statement in self:
            statement.sudo().message_subscribe(statement.partner_id.ids)
            statement.message_post(
                body=_("The statement was sent to the dealer for confirmation."),
                partner_ids=statement.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_draft(self):
        self._check_accountant()
        if self.filtered(lambda s: s.state == "confirmed"):
            raise UserError(_("A confirmed statement cannot be reopened."))
        self.sudo().state = "draft"
        return True

    def _dealer_answer(self, confirm, comment, author=None):
        """The dealer confirms or disputes the statement; the comment goes to
        the chatter as the dealer's message (``author``: the portal user's
        partner, the dealer by default). Called after the access check."""
        self.ensure_one()
        author = author or self.partner_id
        comment = (comment or "").strip()
        if self.state != "sent":
            raise UserError(_("This statement is not waiting for your answer."))
        if not confirm and not comment:
            raise ValidationError(_("Tell us what is wrong in the statement."))
        if len(comment) > 5000:
            raise ValidationError(
                _("The comment is too long (5,000 characters at most).")
            )
        self.sudo().write(
            {
                "state": "confirmed" if confirm else "disputed",
                "answer_date": fields.Datetime.now(),
                "answer_comment": comment or False,
            }
        )
        body = _("Statement confirmed.") if confirm else _("Statement disputed.")
        if comment:
            body = f"{body}\n{comment}"
        self.sudo().message_post(
            body=body,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def action_view_lines(self):
        """Journal items behind the figure named in the context."""
        self.ensure_one()
        figure = self.env.context.get("dms_figure")
        domains = self._figure_domains()
        if figure not in domains:
            raise UserError(_("Unknown statement figure."))
        return self.env["dms.rebate"]._lines_action(
            self._fields[figure].get_description(self.env)["string"],
            domains[figure],
        )

    def action_export_xlsx(self):
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')}.xlsx",
                "raw": self._xlsx_content(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _xlsx_content(self):
        """The statement as an XLSX workbook (figures, rebates, journal items)."""
        self.ensure_one()
        buffer = io.BytesIO()
        workbook = new_workbook(buffer, {"constant_memory": True})
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet = workbook.add_worksheet(_("Statement"))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 6, 16)
        row = 0
        for label, value in (
            (_("Statement"), self.name),
            (_("Dealer"), self.partner_id.display_name),
            (_("Period"), f"{self.date_from} – {self.date_to}"),
            (_("Currency"), self.currency_id.name),
        ):
            write_cell(sheet, row, 0, label, bold)
            write_cell(sheet, row, 1, value)
            row += 1
        row += 1
        for figure in FIGURES:
            write_cell(
                sheet, row, 0, self._fields[figure].get_description(self.env)["string"]
            )
            sheet.write_number(row, 1, self[figure], money)
            row += 1
        row += 1
        headers = [
            _("Rebate"),
            _("Period"),
            _("Basis"),
            _("Bracket"),
            _("Rebate"),
            _("Accrued"),
            _("Settled"),
        ]
        for col, header in enumerate(headers):
            write_cell(sheet, row, col, header, bold)
        row += 1
        for rebate in self.rebate_ids:
            write_cell(sheet, row, 0, rebate.program_id.name)
            write_cell(sheet, row, 1, rebate.period_label)
            sheet.write_number(row, 2, rebate.basis_amount, money)
            write_cell(sheet, row, 3, rebate.bracket_id.display_name or "")
            sheet.write_number(row, 4, rebate.rebate_amount, money)
            sheet.write_number(row, 5, rebate.accrued_amount, money)
            sheet.write_number(row, 6, rebate.settled_amount, money)
            row += 1
        row += 1
        for col, header in enumerate(
            [
                _("Date"),
                _("Entry"),
                _("Type"),
                _("Label"),
                _("Debit"),
                _("Credit"),
                _("Balance"),
            ]
        ):
            write_cell(sheet, row, col, header, bold)
        row += 1
        for movement in self._movement_rows():
            sheet.write_datetime(
                row, 0, fields.Datetime.to_datetime(movement["date"]), day
            )
            write_cell(sheet, row, 1, movement["reference"])
            write_cell(sheet, row, 2, movement["kind"])
            write_cell(sheet, row, 3, movement["label"])
            sheet.write_number(row, 4, movement["debit"], money)
            sheet.write_number(row, 5, movement["credit"], money)
            sheet.write_number(row, 6, movement["balance"], money)
            row += 1
        workbook.close()
        return buffer.getvalue()

    def _period_lines(self):
        """Receivable journal items of the period (for the PDF report)."""
        self.ensure_one()
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                self._figure_domains()["closing_balance"]
                + [("date", ">=", self.date_from)],
                order="date, id",
            )
        )

    def _movement_rows(self):
        """The period's receivable movements as the dealer reads them, on
        the PDF and the portal alike: one dict per journal item with its kind
        (invoice, credit note, rebate credit note, payment, other) and the
        running balance from the opening balance."""
        self.ensure_one()
        kinds = {
            "out_invoice": _("Invoice"),
            "out_refund": _("Credit Note"),
            "rebate": _("Rebate Credit Note"),
            "payment": _("Payment"),
            "other": _("Other"),
        }
        balance = self.opening_balance
        rows = []
        for line in self._period_lines():
            move = line.move_id
            if move.move_type == "out_refund" and (
                move.dms_rebate_move_kind == "settlement"
            ):
                kind = "rebate"
            elif move.move_type in ("out_invoice", "out_refund"):
                kind = move.move_type
            elif move.move_type == "entry" and (
                move.origin_payment_id or move.statement_line_id
            ):
                kind = "payment"
            else:
                kind = "other"
            balance = self.currency_id.round(balance + line.balance)
            rows.append(
                {
                    "line": line,
                    "date": line.date,
                    "reference": move.name or "",
                    "kind": kinds[kind],
                    "label": line.name or move.ref or "",
                    "debit": line.debit,
                    "credit": line.credit,
                    "balance": balance,
                }
            )
        return rows

    @api.model
    def _with_activity(self, partners, date_from, date_to, company):
        """``partners`` with something to state for the period: a receivable
        movement in it, an open balance before it, or a rebate (sales or an
        amount) whose period ends in it. A statement of zeros is not made."""
        if not partners:
            return partners
        self.env["account.move.line"].flush_model(
            ["partner_id", "company_id", "parent_state", "account_id", "date"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.partner_id,
                       bool_or(aml.date >= %(date_from)s),
                       COALESCE(SUM(aml.balance)
                                FILTER (WHERE aml.date < %(date_from)s), 0)
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE aml.partner_id = ANY(%(partners)s)
                   AND aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND aml.date <= %(date_to)s
              GROUP BY aml.partner_id
                """,
                partners=partners.ids,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
            )
        )
        currency = company.currency_id
        active_ids = {
            partner_id
            for partner_id, moved, opening in self.env.cr.fetchall()
            if moved or not currency.is_zero(opening)
        }
        rebates = (
            self.env["dms.rebate"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("date_to", ">=", date_from),
                    ("date_to", "<=", date_to),
                ]
            )
        )
        active_ids |= set(
            rebates.filtered(
                lambda rebate: (
                    not currency.is_zero(rebate.basis_amount)
                    or not currency.is_zero(rebate.rebate_amount)
                )
            ).partner_id.ids
        )
        return partners.filtered(lambda partner: partner.id in active_ids)

    @api.model
    def _generate(self, partners, date_from, date_to, company=None):
        """Draft statements of ``partners`` for the period (existing ones are
        kept; dealers with nothing to state get none)."""
        self._check_accountant()
        company = company or self.env.company
        if date_to < date_from:
            raise ValidationError(_("A statement cannot end before it starts."))
        existing = self.sudo().search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
            ]
        )
        todo = self._with_activity(
            partners.commercial_partner_id - existing.partner_id,
            date_from,
            date_to,
            company,
        )
        created = self.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
                for partner in todo
            ]
        )
        return existing | created
