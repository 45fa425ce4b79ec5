from odoo import api, fields, models

from odoo.addons.distribution_management_report.wizards.dms_export_wizard import (
    ExportSpec,
)

COMMISSION_SPEC = ExportSpec(
    model="dms.commission.line",
    date_field="date",
    date_kind="date",
    grid_field="dms_grid_id",
    order="date desc, id desc",
    columns=[
        "date",
        "beneficiary_id",
        "level",
        "kind",
        "state",
        "distributor_id",
        "sale_order_id",
        "move_id",
        "withdrawal_id",
        "customer_id",
        "product_id",
        "base_amount",
        "rate",
        "amount",
        "currency_id",
        "available_date",
        "settlement_id",
        "dms_grid_id",
        "company_id",
    ],
)


class DmsExportWizard(models.TransientModel):
    _inherit = "dms.export.wizard"

    kind = fields.Selection(
        selection_add=[("commission", "Commission Ledger"), ("distributor",)],
        ondelete={"commission": "cascade"},
    )

    @api.model
    def _dms_export_specs(self):
        return {**super()._dms_export_specs(), "commission": COMMISSION_SPEC}
