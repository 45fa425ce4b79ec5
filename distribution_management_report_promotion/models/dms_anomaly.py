from odoo import Command, _, fields, models


class DmsAnomaly(models.Model):
    _inherit = "dms.anomaly"

    def action_create_promotion(self):
        """A promotion restricted to the grid, to be completed and saved."""
        self.ensure_one()
        self.env["loyalty.program"].check_access("create")
        subject = (self.product_id or self.categ_id).display_name
        return {
            "type": "ir.actions.act_window",
            "name": _("Create a Promotion"),
            "res_model": "loyalty.program",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_name": _(
                    "%(subject)s promotion in %(grid)s",
                    subject=subject,
                    grid=self.dms_grid_id.name,
                ),
                "default_program_type": "promotion",
                "default_trigger": "auto",
                "default_applies_on": "current",
                "default_company_id": self.company_id.id,
                "default_dms_grid_ids": [Command.set(self.dms_grid_id.ids)],
                "default_date_from": fields.Date.to_string(
                    self.company_id._dms_today()
                ),
            },
        }
