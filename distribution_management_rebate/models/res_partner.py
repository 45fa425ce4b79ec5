from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    dms_rebate_count = fields.Integer(
        string="Rebates", compute="_compute_dms_rebate_counts"
    )
    dms_statement_count = fields.Integer(
        string="Statements", compute="_compute_dms_rebate_counts"
    )

    def _compute_dms_rebate_counts(self):
        """Counted as the user reads them: a grid manager's own grids."""
        partners = self.filtered("id")
        counts = {}
        for model, field in (("dms.rebate", "rebate"), ("dms.statement", "statement")):
            if partners and self.env[model].has_access("read"):
                counts[field] = dict(
                    self.env[model]._read_group(
                        [("partner_id", "in", partners.ids)],
                        ["partner_id"],
                        ["__count"],
                    )
                )
        for partner in self:
            partner.dms_rebate_count = counts.get("rebate", {}).get(partner, 0)
            partner.dms_statement_count = counts.get("statement", {}).get(partner, 0)

    def _dms_rebate_action(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_dms_view_rebates(self):
        return self._dms_rebate_action(
            "distribution_management_rebate.action_dms_rebate"
        )

    def action_dms_view_statements(self):
        return self._dms_rebate_action(
            "distribution_management_rebate.action_dms_statement"
        )

    @api.model
    def _dms_net_sales_exclusions(self):
        """Rebate entries are NOT sales: a rebate credit note (a move the
        rebate settlement created, flagged ``dms_rebate_move_kind``) or any
        journal item tagged to a rebate never lowers the net invoiced sales,
        so a rebate payout never lowers the tier of the dealer who earned it
        nor the basis of the next rebate. Credit notes of returned goods do."""
        self.env["account.move.line"].flush_model(["dms_rebate_id"])
        self.env["account.move"].flush_model(["dms_rebate_move_kind"])
        return super()._dms_net_sales_exclusions() + [
            SQL("aml.dms_rebate_id IS NULL"),
            SQL("move.dms_rebate_move_kind IS NULL"),
        ]
