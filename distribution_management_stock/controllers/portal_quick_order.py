from odoo.http import request

from odoo.addons.distribution_management.controllers.portal_dealer import (
    DmsDealerPortal,
)


class DmsQuickOrderStockPortal(DmsDealerPortal):
    """The quick order shows what the dealer's serving warehouse can ship."""

    def _quick_order_values(self, dealer, search=None, errors=None, quantities=None):
        values = super()._quick_order_values(
            dealer, search=search, errors=errors, quantities=quantities
        )
        products = values["products"]
        company = dealer._dms_company()
        warehouse = dealer.dms_grid_id._dms_serving_warehouse() or request.env[
            "stock.warehouse"
        ].sudo().search([("company_id", "=", company.id)], limit=1)
        stock = (
            request.env["sale.order"]
            .sudo()
            ._dms_available_quantities(warehouse, products.filtered("is_storable"))
        )
        values.update(
            {
                "stock": {
                    product.id: stock.get((warehouse.id, product.id), 0.0)
                    for product in products
                },
                "warehouse": warehouse,
            }
        )
        return values
