from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    dms_commission_balance = fields.Monetary(
        string="Commission Balance",
        currency_field="dms_currency_id",
        compute="_compute_dms_commission_balance",
        help="Commission the distributor may still withdraw (available less "
        "the requests waiting for a decision).",
    )

    @api.depends_context("company")
    def _compute_dms_commission_balance(self):
        partners = self.filtered(lambda partner: partner.id and partner.dms_state)
        figures = (
            self.env["dms.withdrawal"].sudo()._balances(partners, self.env.company)
            if partners
            else {}
        )
        for partner in self:
            partner.dms_commission_balance = figures.get(partner.id, {}).get(
                "balance", 0.0
            )

    def action_dms_view_commission(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management_commission.action_dms_commission_line"
        )
        action["domain"] = [("beneficiary_id", "=", self.id)]
        action["context"] = {}
        return action
