from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dms_commission_trigger = fields.Selection(
        [("invoice", "Invoice posted"), ("payment", "Invoice paid")],
        string="Commission Earned When",
        default="invoice",
        required=True,
    )
    dms_commission_freeze_days = fields.Integer(
        string="Commission Freeze (days)",
        default=15,
        help="Days an earned commission waits (the returns window) before it "
        "becomes available for settlement.",
    )
    dms_commission_journal_id = fields.Many2one(
        "account.journal",
        string="Commission Journal",
        domain="[('type', '=', 'purchase'), ('company_id', '=', id)]",
    )
    dms_commission_expense_account_id = fields.Many2one(
        "account.account", string="Commission Expense Account"
    )
    dms_commission_show_expected = fields.Boolean(
        string="Show Expected Commission",
        help="Distributors see in the portal the commission their confirmed, "
        "not yet invoiced orders should bring.",
    )
    dms_withdrawal_min_amount = fields.Monetary(
        string="Minimum Withdrawal", currency_field="currency_id"
    )
    dms_withdrawal_fee_percent = fields.Float(string="Withdrawal Fee (%)")
    dms_withdrawal_fee_fixed = fields.Monetary(
        string="Fixed Withdrawal Fee", currency_field="currency_id"
    )
    dms_withdrawal_fee_account_id = fields.Many2one(
        "account.account",
        string="Withdrawal Fee Account",
        help="Income account of the withdrawal fees; empty: the fee lowers the "
        "commission expense.",
    )

    @api.constrains(
        "dms_commission_freeze_days",
        "dms_withdrawal_min_amount",
        "dms_withdrawal_fee_percent",
        "dms_withdrawal_fee_fixed",
    )
    def _check_dms_commission_settings(self):
        for company in self:
            if (
                min(
                    company.dms_commission_freeze_days,
                    company.dms_withdrawal_min_amount,
                    company.dms_withdrawal_fee_percent,
                    company.dms_withdrawal_fee_fixed,
                )
                < 0
            ):
                raise ValidationError(
                    _("Freeze period, minimum withdrawal and fees cannot be negative.")
                )
            if company.dms_withdrawal_fee_percent >= 100:
                raise ValidationError(_("The withdrawal fee must be below 100 %."))

    def _dms_commission_accounting(self):
        """Purchase journal and expense account of commission bills."""
        self.ensure_one()
        journal = self.dms_commission_journal_id or self.env["account.journal"].search(
            [("type", "=", "purchase"), ("company_id", "=", self.id)], limit=1
        )
        account = self.dms_commission_expense_account_id
        if not journal or not account:
            raise UserError(
                _(
                    "Set the commission journal and expense account in the "
                    "Distribution settings of %(company)s first.",
                    company=self.name,
                )
            )
        return journal, account
