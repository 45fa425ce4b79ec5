from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.distribution_management.models.sale_order import ATTRIBUTION_SOURCES
from odoo.addons.sale.models.sale_order import SALE_ORDER_STATE


class DmsSaleReport(models.Model):
    """Sales of the distribution network: one row per line of every order
    credited to a distributor, quotations and cancelled orders included so
    that conversion can be measured (the menus filter on confirmed orders).

    Amounts are in the company currency, converted at the order's rate like
    Odoo's sales analysis; quantities are in the product's unit of measure.
    """

    _name = "dms.sale.report"
    _description = "Distribution Sales Analysis"
    _auto = False
    _rec_name = "name"
    _order = "date desc, id desc"

    # order
    order_id = fields.Many2one("sale.order", readonly=True)
    name = fields.Char(string="Order Reference", readonly=True)
    date = fields.Datetime(string="Order Date", readonly=True)
    state = fields.Selection(SALE_ORDER_STATE, string="Status", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Channel", readonly=True)
    attribution_source = fields.Selection(
        ATTRIBUTION_SOURCES, string="Attribution", readonly=True
    )
    # network
    distributor_id = fields.Many2one("res.partner", readonly=True)
    upline_id = fields.Many2one(
        "res.partner",
        readonly=True,
        help="The distributor's upline today.",
    )
    tier_id = fields.Many2one(
        "dms.tier",
        readonly=True,
        help="The distributor's tier today.",
    )
    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        readonly=True,
        help="Grid of the delivery address.",
    )
    grid_root_id = fields.Many2one(
        "dms.grid",
        string="Top-Level Grid",
        readonly=True,
        help="The top of the grid tree the delivery grid belongs to (its region).",
    )
    grid_level2_id = fields.Many2one(
        "dms.grid",
        string="Second-Level Grid",
        readonly=True,
        help="The delivery grid's ancestor one level below the top (its city); "
        "empty for orders delivered in a top-level grid.",
    )
    # product
    product_id = fields.Many2one(
        "product.product", string="Product Variant", readonly=True
    )
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", readonly=True
    )
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    product_uom = fields.Many2one("uom.uom", string="Unit of Measure", readonly=True)
    # measures
    product_uom_qty = fields.Float(string="Qty Ordered", readonly=True)
    qty_delivered = fields.Float(readonly=True)
    qty_invoiced = fields.Float(readonly=True)
    price_subtotal = fields.Monetary(string="Untaxed Amount", readonly=True)
    amount_delivered = fields.Monetary(
        string="Untaxed Amount Delivered",
        readonly=True,
        help="Delivered quantity at the line's net unit price.",
    )
    untaxed_amount_invoiced = fields.Monetary(readonly=True)
    untaxed_amount_to_invoice = fields.Monetary(readonly=True)
    margin = fields.Monetary(
        readonly=True, help="Untaxed amount less the cost recorded on the line."
    )
    # order counts: the order id (or nothing), counted once per group
    order_count = fields.Integer(
        string="Orders", readonly=True, aggregator="count_distinct"
    )
    quotation_count = fields.Integer(
        string="Quotations",
        readonly=True,
        aggregator="count_distinct",
        help="Orders still in quotation (draft or sent).",
    )
    confirmed_count = fields.Integer(
        string="Confirmed Orders", readonly=True, aggregator="count_distinct"
    )
    cancelled_count = fields.Integer(
        string="Cancelled Orders", readonly=True, aggregator="count_distinct"
    )
    conversion_rate = fields.Float(
        string="Conversion Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Confirmed orders out of all orders, quotations and cancelled "
        "ones included.",
    )

    # ------------------------------------------------------------------
    # View
    # ------------------------------------------------------------------
    def _rate_sql(self):
        """Divisor from the order's currency into the company currency."""
        return "COALESCE(NULLIF(s.currency_rate, 0), 1.0)"

    def _query(self):
        rate = self._rate_sql()
        # line quantity in the product's unit of measure
        to_product_uom = "CASE WHEN l.product_id IS NOT NULL THEN l.{qty} / u.factor * u2.factor ELSE 0 END"  # noqa: E501
        return f"""
            SELECT
                l.id AS id,
                s.id AS order_id,
                s.name AS name,
                s.date_order AS date,
                s.state AS state,
                s.company_id AS company_id,
                company.currency_id AS currency_id,
                partner.commercial_partner_id AS partner_id,
                s.user_id AS user_id,
                s.team_id AS team_id,
                s.dms_attribution_source AS attribution_source,
                s.dms_distributor_id AS distributor_id,
                dist.dms_parent_id AS upline_id,
                dist.dms_tier_id AS tier_id,
                s.dms_grid_id AS dms_grid_id,
                NULLIF(split_part(grid.parent_path, '/', 1), '')::integer
                    AS grid_root_id,
                NULLIF(split_part(grid.parent_path, '/', 2), '')::integer
                    AS grid_level2_id,
                l.product_id AS product_id,
                p.product_tmpl_id AS product_tmpl_id,
                t.categ_id AS categ_id,
                t.uom_id AS product_uom,
                {to_product_uom.format(qty="product_uom_qty")} AS product_uom_qty,
                {to_product_uom.format(qty="qty_delivered")} AS qty_delivered,
                {to_product_uom.format(qty="qty_invoiced")} AS qty_invoiced,
                l.price_subtotal / {rate} AS price_subtotal,
                l.qty_delivered * l.price_reduce_taxexcl / {rate}
                    AS amount_delivered,
                l.untaxed_amount_invoiced / {rate} AS untaxed_amount_invoiced,
                l.untaxed_amount_to_invoice / {rate} AS untaxed_amount_to_invoice,
                COALESCE(l.margin, 0) / {rate} AS margin,
                s.id AS order_count,
                CASE WHEN s.state IN ('draft', 'sent') THEN s.id END
                    AS quotation_count,
                CASE WHEN s.state = 'sale' THEN s.id END AS confirmed_count,
                CASE WHEN s.state = 'cancel' THEN s.id END AS cancelled_count,
                CASE WHEN s.state = 'sale' THEN 100.0 ELSE 0.0 END
                    AS conversion_rate
            FROM sale_order_line l
            JOIN sale_order s ON s.id = l.order_id
            JOIN res_company company ON company.id = s.company_id
            JOIN res_partner partner ON partner.id = s.partner_id
            JOIN res_partner dist ON dist.id = s.dms_distributor_id
            LEFT JOIN dms_grid grid ON grid.id = s.dms_grid_id
            LEFT JOIN product_product p ON p.id = l.product_id
            LEFT JOIN product_template t ON t.id = p.product_tmpl_id
            LEFT JOIN uom_uom u ON u.id = l.product_uom
            LEFT JOIN uom_uom u2 ON u2.id = t.uom_id
            WHERE l.display_type IS NULL
        """

    def init(self):
        # dropping cascades to the views built on this one: rebuild them
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._query()),
            )
        )
        self.env["dms.distributor.ranking"]._create_view()

    # ------------------------------------------------------------------
    # Ratios that stay right at every grouping level
    # ------------------------------------------------------------------
    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "conversion_rate:avg":
            confirmed = self._field_to_sql(self._table, "confirmed_count", query)
            orders = self._field_to_sql(self._table, "order_count", query)
            return SQL(
                "COUNT(DISTINCT %s) * 100.0 / NULLIF(COUNT(DISTINCT %s), 0)",
                confirmed,
                orders,
            )
        return super()._read_group_select(aggregate_spec, query)

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [[False, "form"]],
        }
