from odoo import fields, models


class DmsAnomalyDismissWizard(models.TransientModel):
    _name = "dms.anomaly.dismiss.wizard"
    _description = "Dismiss Grid Anomalies"

    anomaly_ids = fields.Many2many("dms.anomaly", string="Anomalies", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.anomaly_ids._dismiss(self.reason)
        return {"type": "ir.actions.act_window_close"}
