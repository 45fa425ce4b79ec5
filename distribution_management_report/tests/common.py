from datetime import datetime, time, timedelta

from odoo import Command

from odoo.addons.distribution_management.tests.common import DmsCommon

from ..models.dms_anomaly import last_complete_week

STEADY = [40, 44, 38, 42, 41, 39, 43, 40]  # median 40.5, MAD 1.5


class DmsReportCommon(DmsCommon):
    """The network of ``DmsCommon`` with products and customers: the core's
    sales fixture, the parts of the stock and promotion add-ons left out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "loyalty.program" in cls.env:
            # automatic promotions would add reward lines to the orders
            cls.env["loyalty.program"].search([]).action_archive()
        cls.pricelist_senior = cls.env["product.pricelist"].create(
            {
                "name": "Senior prices",
                "item_ids": [
                    Command.create(
                        {
                            "compute_price": "percentage",
                            "percent_price": 10,
                            "applied_on": "3_global",
                        }
                    )
                ],
            }
        )
        cls.tier_senior.pricelist_id = cls.pricelist_senior
        Product = cls.env["product.product"]
        storable = {"is_storable": True} if "is_storable" in Product._fields else {}
        cls.products = Product.create(
            [
                {
                    "name": f"Juice {index}",
                    **storable,
                    "list_price": 10.0 * (index + 1),
                    "taxes_id": [Command.clear()],
                }
                for index in range(50)
            ]
        )
        cls.juice = cls.products[0]
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Walk-in Customer",
                "country_id": cls.china.id,
                "state_id": cls.shanghai_state.id,
                "city": "Shanghai",
                "zip": "200125",
            }
        )
        cls.dist_a.dms_referral_code = "AAAA1111"
        cls.dist_b.dms_referral_code = "BBBB2222"
        # deliveries go through the warehouse when sale_stock is installed
        cls.warehouse = (
            cls.env["stock.warehouse"].search(
                [("company_id", "=", cls.company.id)], limit=1
            )
            if "stock.warehouse" in cls.env
            else None
        )


class DmsAnomalyCommon(DmsCommon):
    """Weekly series of two grids, nine weeks back:

    - Zhangjiang: cola steady then a spike (160), water steady with ordinary
      noise, tea steady then a drop (10), gum in small numbers then 8;
    - Tianhe: cola steady then a spike.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "loyalty.program" in cls.env:
            # automatic promotions would add reward lines to the orders
            cls.env["loyalty.program"].search([]).action_archive()
        cls.company.write(
            {
                "dms_anomaly_level": "product",
                "dms_anomaly_measure": "qty",
                "dms_anomaly_weeks": 8,
                "dms_anomaly_threshold": 3.5,
                "dms_anomaly_change_threshold": 50,
                "dms_anomaly_min_volume": 10,
                "dms_anomaly_last_year": False,
                "dms_anomaly_rollup": False,
            }
        )
        cls.categ_drinks = cls.env["product.category"].create({"name": "Drinks"})
        cls.categ_other = cls.env["product.category"].create({"name": "Other"})
        Product = cls.env["product.product"]
        storable = {"is_storable": True} if "is_storable" in Product._fields else {}
        cls.cola, cls.water, cls.tea, cls.gum = Product.create(
            [
                {
                    "name": name,
                    # with the stock add-on, stock can be moved (bridge tests)
                    **storable,
                    "list_price": 10.0,
                    "taxes_id": [Command.clear()],
                    "categ_id": (
                        cls.categ_drinks if name == "Cola" else cls.categ_other
                    ).id,
                }
                for name in ("Cola", "Water", "Tea", "Gum")
            ]
        )
        cls.user_east = cls._grid_user("anomaly_east", cls.grid_east)
        cls.user_south = cls._grid_user("anomaly_south", cls.grid_south)
        cls.grid_east.manager_ids = [Command.set(cls.user_east.ids)]
        cls.grid_tianhe.manager_ids = [Command.set(cls.user_south.ids)]
        cls.customer_zj = cls.env["res.partner"].create(
            {
                "name": "Zhangjiang Shop",
                "country_id": cls.china.id,
                "state_id": cls.shanghai_state.id,
                "city": "Shanghai",
                "zip": "201203",
            }
        )
        cls.customer_th = cls.env["res.partner"].create(
            {
                "name": "Tianhe Shop",
                "country_id": cls.china.id,
                "state_id": cls.guangdong_state.id,
                "city": "Guangzhou",
                "zip": "510620",
            }
        )
        cls.week = last_complete_week(cls.company._dms_today())
        # weeks ago -> quantities (the analysed week is 1 week ago)
        series = {
            cls.cola: [*STEADY, 160],
            cls.water: [50, 55, 47, 52, 49, 53, 48, 51, 56],
            cls.tea: [*STEADY, 10],
            cls.gum: [1, 2, 1, 1, 2, 1, 1, 2, 8],
        }
        Order = cls.env["sale.order"]
        cls.orders = Order
        for index in range(9):
            weeks_ago = 9 - index
            vals = [
                {
                    "partner_id": cls.customer_zj.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": quantities[index],
                                "price_unit": 10.0,
                            }
                        )
                        for product, quantities in series.items()
                    ],
                },
                {
                    "partner_id": cls.customer_th.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.cola.id,
                                "product_uom_qty": series[cls.cola][index],
                                "price_unit": 10.0,
                            }
                        )
                    ],
                },
            ]
            orders = Order.create(vals)
            orders.action_confirm()
            wednesday = cls.week - timedelta(weeks=weeks_ago - 1, days=-2)
            orders.date_order = datetime.combine(wednesday, time(3, 0))
            cls.orders |= orders
        cls.grids = cls.grid_zhangjiang | cls.grid_tianhe
        cls.Anomaly = cls.env["dms.anomaly"]

    def _detect(self, grids=None):
        return self.Anomaly._detect(
            grids=self.grids if grids is None else grids, week_start=self.week
        )

    def _find(self, grid, product, kind="spike"):
        return self.Anomaly.search(
            [
                ("dms_grid_id", "=", grid.id),
                ("product_id", "=", product.id),
                ("kind", "=", kind),
                ("week_start", "=", self.week),
            ]
        )
