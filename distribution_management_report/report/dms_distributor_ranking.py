from odoo import api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.sql import table_kind


class DmsDistributorRanking(models.Model):
    """Monthly leaderboard: one row per distributor, company and month.

    Read from the sales analysis view (``dms_sale_report``), so both reports
    always agree. Months follow the company's time zone (the one of its
    address; UTC when unset). A month is listed when the distributor has an
    order dated in it, or confirmed sales the month before (so a drop to
    nothing shows as -100 %), up to the current month.
    """

    _name = "dms.distributor.ranking"
    _description = "Distributor Ranking"
    _auto = False
    _rec_name = "distributor_id"
    _order = "period desc, amount desc, id"

    period = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    distributor_id = fields.Many2one("res.partner", readonly=True)
    upline_id = fields.Many2one("res.partner", readonly=True)
    tier_id = fields.Many2one("dms.tier", readonly=True)
    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        readonly=True,
        help="The distributor's grid.",
    )
    grid_root_id = fields.Many2one(
        "dms.grid",
        string="Top-Level Grid",
        readonly=True,
        help="The top of the grid tree the distributor's grid belongs to.",
    )
    amount = fields.Monetary(
        string="Sales",
        readonly=True,
        help="Untaxed amount of the confirmed orders dated in the month.",
    )
    previous_amount = fields.Monetary(string="Previous Month Sales", readonly=True)
    growth_rate = fields.Float(
        string="Growth (%)",
        readonly=True,
        aggregator="avg",
        help="Sales against the previous month; empty without previous sales.",
    )
    order_count = fields.Integer(
        string="Orders", readonly=True, help="Confirmed orders dated in the month."
    )
    quotation_count = fields.Integer(
        string="Quotations",
        readonly=True,
        help="Orders dated in the month still in quotation.",
    )
    cancelled_count = fields.Integer(string="Cancelled Orders", readonly=True)
    conversion_rate = fields.Float(
        string="Conversion Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Confirmed orders out of all the orders dated in the month, "
        "quotations and cancelled ones included. A confirmed order is dated "
        "on its confirmation.",
    )
    new_customer_count = fields.Integer(
        string="New Customers",
        readonly=True,
        help="Customers whose first confirmed order credited to this "
        "distributor is dated in the month (the distributor's own orders "
        "excluded).",
    )
    rank = fields.Integer(
        readonly=True,
        aggregator="min",
        help="Rank by sales among all the company's distributors that month.",
    )
    grid_rank = fields.Integer(
        string="Rank in Grid",
        readonly=True,
        aggregator="min",
        help="Rank by sales among the distributors of the same grid that month.",
    )
    tier_rank = fields.Integer(
        string="Rank in Tier",
        readonly=True,
        aggregator="min",
        help="Rank by sales among the distributors of the same tier that month.",
    )

    def _query(self):
        return """
            WITH company_tz AS (
                -- res.partner.tz only holds pytz names, which PostgreSQL knows
                -- (read_group trusts the user's the same way)
                SELECT company.id AS company_id,
                       COALESCE(NULLIF(cp.tz, ''), 'UTC') AS tz
                  FROM res_company company
                  JOIN res_partner cp ON cp.id = company.partner_id
            ),
            orders AS (
                SELECT r.order_id,
                       r.company_id,
                       r.distributor_id,
                       r.partner_id AS customer_id,
                       r.state,
                       date_trunc(
                           'month', timezone(ctz.tz, timezone('UTC', r.date))
                       )::date AS period,
                       SUM(r.price_subtotal) AS amount
                  FROM dms_sale_report r
                  JOIN company_tz ctz ON ctz.company_id = r.company_id
              GROUP BY r.order_id, r.company_id, r.distributor_id, r.partner_id,
                       r.state, r.date, ctz.tz
            ),
            monthly AS (
                SELECT distributor_id, company_id, period,
                       SUM(amount) FILTER (WHERE state = 'sale') AS amount,
                       COUNT(*) FILTER (WHERE state = 'sale') AS order_count,
                       COUNT(*) FILTER (WHERE state IN ('draft', 'sent'))
                           AS quotation_count,
                       COUNT(*) FILTER (WHERE state = 'cancel') AS cancelled_count
                  FROM orders
              GROUP BY distributor_id, company_id, period
            ),
            first_orders AS (
                SELECT distributor_id, company_id, customer_id,
                       MIN(period) AS period
                  FROM orders
                 WHERE state = 'sale' AND customer_id != distributor_id
              GROUP BY distributor_id, company_id, customer_id
            ),
            new_customers AS (
                SELECT distributor_id, company_id, period,
                       COUNT(*) AS new_customer_count
                  FROM first_orders
              GROUP BY distributor_id, company_id, period
            ),
            periods AS (
                SELECT distributor_id, company_id, period FROM monthly
                 UNION
                SELECT m.distributor_id, m.company_id,
                       (m.period + interval '1 month')::date
                  FROM monthly m
                  JOIN company_tz ctz ON ctz.company_id = m.company_id
                 WHERE m.order_count > 0
                   AND m.period + interval '1 month'
                       <= date_trunc('month', timezone(ctz.tz, now()))
            ),
            base AS (
                SELECT p.distributor_id, p.company_id, p.period,
                       COALESCE(m.amount, 0) AS amount,
                       COALESCE(prev.amount, 0) AS previous_amount,
                       COALESCE(m.order_count, 0) AS order_count,
                       COALESCE(m.quotation_count, 0) AS quotation_count,
                       COALESCE(m.cancelled_count, 0) AS cancelled_count,
                       COALESCE(n.new_customer_count, 0) AS new_customer_count
                  FROM periods p
             LEFT JOIN monthly m
                    ON m.distributor_id = p.distributor_id
                   AND m.company_id = p.company_id
                   AND m.period = p.period
             LEFT JOIN monthly prev
                    ON prev.distributor_id = p.distributor_id
                   AND prev.company_id = p.company_id
                   AND prev.period = (p.period - interval '1 month')::date
             LEFT JOIN new_customers n
                    ON n.distributor_id = p.distributor_id
                   AND n.company_id = p.company_id
                   AND n.period = p.period
            )
            SELECT
                row_number() OVER (
                    ORDER BY b.period, b.company_id, b.distributor_id
                ) AS id,
                b.period,
                b.company_id,
                company.currency_id,
                b.distributor_id,
                dist.dms_parent_id AS upline_id,
                dist.dms_tier_id AS tier_id,
                dist.dms_grid_id AS dms_grid_id,
                NULLIF(split_part(grid.parent_path, '/', 1), '')::integer
                    AS grid_root_id,
                b.amount,
                b.previous_amount,
                CASE WHEN b.previous_amount > 0
                     THEN (b.amount - b.previous_amount) * 100.0 / b.previous_amount
                END AS growth_rate,
                b.order_count,
                b.quotation_count,
                b.cancelled_count,
                b.order_count * 100.0 / NULLIF(
                    b.order_count + b.quotation_count + b.cancelled_count, 0
                ) AS conversion_rate,
                b.new_customer_count,
                RANK() OVER (
                    PARTITION BY b.company_id, b.period ORDER BY b.amount DESC
                ) AS rank,
                RANK() OVER (
                    PARTITION BY b.company_id, b.period, dist.dms_grid_id
                    ORDER BY b.amount DESC
                ) AS grid_rank,
                RANK() OVER (
                    PARTITION BY b.company_id, b.period, dist.dms_tier_id
                    ORDER BY b.amount DESC
                ) AS tier_rank
            FROM base b
            JOIN res_company company ON company.id = b.company_id
            JOIN res_partner dist ON dist.id = b.distributor_id
            LEFT JOIN dms_grid grid ON grid.id = dist.dms_grid_id
        """

    def init(self):
        if table_kind(self.env.cr, "dms_sale_report") is None:
            # built on the sales analysis view, which builds this one too
            self.env["dms.sale.report"].init()
        else:
            self._create_view()

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._query()),
            )
        )

    # ------------------------------------------------------------------
    # Ratios that stay right at every grouping level
    # ------------------------------------------------------------------
    @api.model
    def _read_group_select(self, aggregate_spec, query):
        def column(fname):
            return self._field_to_sql(self._table, fname, query)

        if aggregate_spec == "growth_rate:avg":
            return SQL(
                "(SUM(%(amount)s) - SUM(%(previous)s)) * 100.0 "
                "/ NULLIF(SUM(%(previous)s), 0)",
                amount=column("amount"),
                previous=column("previous_amount"),
            )
        if aggregate_spec == "conversion_rate:avg":
            return SQL(
                "SUM(%(confirmed)s) * 100.0 "
                "/ NULLIF(SUM(%(confirmed)s + %(quotations)s + %(cancelled)s), 0)",
                confirmed=column("order_count"),
                quotations=column("quotation_count"),
                cancelled=column("cancelled_count"),
            )
        return super()._read_group_select(aggregate_spec, query)
