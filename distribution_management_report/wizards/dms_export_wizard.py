from odoo import api, fields, models

from odoo.addons.distribution_management.wizards.dms_export_wizard import ExportSpec

EXPORTS = {
    "sale": ExportSpec(
        model="dms.sale.report",
        date_field="date",
        date_kind="datetime",
        grid_field="dms_grid_id",
        order="date desc, id desc",
        columns=[
            "date",
            "name",
            "state",
            "distributor_id",
            "upline_id",
            "tier_id",
            "dms_grid_id",
            "partner_id",
            "team_id",
            "user_id",
            "product_id",
            "categ_id",
            "product_uom_qty",
            "qty_delivered",
            "qty_invoiced",
            "price_subtotal",
            "amount_delivered",
            "untaxed_amount_invoiced",
            "margin",
            "currency_id",
            "company_id",
        ],
    ),
    "ranking": ExportSpec(
        model="dms.distributor.ranking",
        date_field="period",
        date_kind="month",
        grid_field="dms_grid_id",
        order="period desc, rank, id",
        columns=[
            "period",
            "rank",
            "distributor_id",
            "dms_grid_id",
            "grid_rank",
            "tier_id",
            "tier_rank",
            "upline_id",
            "amount",
            "previous_amount",
            "growth_rate",
            "order_count",
            "new_customer_count",
            "quotation_count",
            "cancelled_count",
            "conversion_rate",
            "currency_id",
            "company_id",
        ],
    ),
}


class DmsExportWizard(models.TransientModel):
    """The sales analysis and the rankings as export kinds, before the
    core's Distributors; the sales analysis stays the default export."""

    _inherit = "dms.export.wizard"

    kind = fields.Selection(
        selection_add=[
            ("sale", "Sales Analysis"),
            ("ranking", "Distributor Rankings"),
            ("distributor",),
        ],
        ondelete={"sale": "cascade", "ranking": "cascade"},
        default="sale",
    )

    @api.model
    def _dms_export_specs(self):
        return {**super()._dms_export_specs(), **EXPORTS}
