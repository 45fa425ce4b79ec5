from datetime import date, datetime

from odoo import Command, fields
from odoo.tests import tagged

from .common import DmsReportCommon


@tagged("post_install", "-at_install")
class TestSaleReport(DmsReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dms_binding_days = 0
        cls.juice.standard_price = 4.0
        cls.soda = cls.products[1]  # 20.0
        cls.products[:3].invoice_policy = "delivery"
        if cls.warehouse:
            stock = cls.warehouse.lot_stock_id
            for product in cls.products[:3]:
                cls.env["stock.quant"]._update_available_quantity(product, stock, 1000)
        cls.distributors = cls.dist_a | cls.dist_b | cls.dist_c | cls.dist_south
        # list prices: the first pricelist would otherwise be the tests' senior one
        cls.list_prices = cls.env["product.pricelist"].create(
            {"name": "List prices", "currency_id": cls.company.currency_id.id}
        )
        cls.Report = cls.env["dms.sale.report"]
        cls.Ranking = cls.env["dms.distributor.ranking"]
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Shop {name}",
                    "country_id": cls.china.id,
                    "state_id": cls.shanghai_state.id,
                    "city": "Shanghai",
                    "zip": "200125",
                }
                for name in "XYZ"
            ]
        )

    def _lines(self, *product_qty):
        return [
            Command.create({"product_id": product.id, "product_uom_qty": qty})
            for product, qty in product_qty
        ]

    def _sale(self, partner, product_qty, confirm=True, when=None, **vals):
        vals.setdefault("pricelist_id", self.list_prices.id)
        order = self.env["sale.order"].create(
            dict(partner_id=partner.id, order_line=self._lines(*product_qty), **vals)
        )
        if confirm:
            order.action_confirm()
        if when:
            order.date_order = when
        return order

    def _deliver(self, order, quantities):
        if "picking_ids" not in order._fields:
            # without sale_stock, the delivered quantities are typed on the lines
            for line in order.order_line:
                line.qty_delivered = quantities.get(line.product_id, 0)
            return
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        picking.action_assign()
        for move in picking.move_ids:
            qty = quantities.get(move.product_id, 0)
            move.quantity = qty
            move.picked = bool(qty)
        picking.with_context(skip_backorder=True).button_validate()

    def _refresh(self):
        self.env.flush_all()
        self.Report.invalidate_model()
        self.Ranking.invalidate_model()

    def _rows(self, orders):
        return self.Report.search([("order_id", "in", orders.ids)])

    def _assert_money(self, value, expected, msg=None):
        self.assertEqual(
            self.company.currency_id.compare_amounts(value, expected), 0, msg
        )

    # ------------------------------------------------------------------
    # Sales analysis
    # ------------------------------------------------------------------
    def test_figures_match_the_documents(self):
        # dist B's own order: two lines, half delivered, partly invoiced
        order = self._sale(self.dist_b, [(self.juice, 10), (self.soda, 5)])
        self._deliver(order, {self.juice: 4, self.soda: 2})
        invoice = order._create_invoices()
        juice_line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.juice
        )
        invoice.write(
            {"invoice_line_ids": [Command.update(juice_line.id, {"quantity": 3})]}
        )
        invoice.action_post()
        self._refresh()

        rows = self._rows(order)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.distributor_id, self.dist_b)
        self.assertEqual(rows.upline_id, self.dist_a)
        self.assertEqual(rows.tier_id, self.tier_dist)
        self.assertEqual(rows.dms_grid_id, self.grid_pudong)
        self.assertEqual(rows.grid_root_id, self.grid_east)
        self.assertEqual(rows.grid_level2_id, self.grid_shanghai)
        self.assertEqual(set(rows.mapped("attribution_source")), {"dealer"})
        self.assertEqual(
            rows.team_id,
            self.env.ref("distribution_management.crm_team_dealer_portal"),
        )
        self.assertEqual(set(rows.mapped("state")), {"sale"})

        lines = order.order_line
        [(count, qty, delivered, invoiced, amount, amount_delivered, amount_invoiced,
          margin, orders)] = self.Report._read_group(
            [("order_id", "=", order.id)],
            [],
            [
                "__count",
                "product_uom_qty:sum",
                "qty_delivered:sum",
                "qty_invoiced:sum",
                "price_subtotal:sum",
                "amount_delivered:sum",
                "untaxed_amount_invoiced:sum",
                "margin:sum",
                "order_count:count_distinct",
            ],
        )  # fmt: skip
        self.assertEqual((count, orders), (2, 1), "two lines, one order")
        self.assertAlmostEqual(qty, sum(lines.mapped("product_uom_qty")))
        self.assertAlmostEqual(delivered, 6.0)
        self.assertAlmostEqual(delivered, sum(lines.mapped("qty_delivered")))
        self.assertAlmostEqual(invoiced, 5.0)
        self.assertAlmostEqual(invoiced, sum(lines.mapped("qty_invoiced")))
        self._assert_money(amount, order.amount_untaxed)
        self._assert_money(amount, 200.0)
        self._assert_money(
            amount_delivered,
            sum(line.qty_delivered * line.price_reduce_taxexcl for line in lines),
        )
        self._assert_money(amount_delivered, 80.0)
        self._assert_money(amount_invoiced, invoice.amount_untaxed)
        self._assert_money(amount_invoiced, 70.0)
        self._assert_money(margin, sum(lines.mapped("margin")))
        self._assert_money(margin, 200.0 - 10 * 4.0 - 5 * self.soda.standard_price)

    def test_foreign_currency_converted(self):
        company_currency = self.company.currency_id
        foreign = self.env.ref("base.EUR")
        if foreign == company_currency:
            foreign = self.env.ref("base.USD")
        foreign.active = True
        self.env["res.currency.rate"].create(
            {
                "name": fields.Date.today(),
                "rate": 2.0,
                "currency_id": foreign.id,
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign prices", "currency_id": foreign.id}
        )
        order = self._sale(self.dist_c, [(self.juice, 3)], pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, foreign)
        self.assertAlmostEqual(order.currency_rate, 2.0)
        self.assertAlmostEqual(order.amount_untaxed, 60.0)
        self._refresh()
        row = self._rows(order)
        self.assertEqual(row.currency_id, company_currency)
        self._assert_money(row.price_subtotal, 30.0)
        self._assert_money(
            row.price_subtotal,
            foreign._convert(
                order.amount_untaxed, company_currency, self.company, order.date_order
            ),
        )
        self._assert_money(row.margin, 30.0 - 3 * 4.0)

    def test_grouping_by_network(self):
        east_1 = self._sale(self.dist_b, [(self.juice, 10), (self.soda, 5)])
        east_2 = self._sale(
            self.customers[0], [(self.juice, 7)], dms_referral_code="AAAA1111"
        )
        south = self._sale(self.dist_south, [(self.soda, 2)])
        self._refresh()
        self.assertEqual(east_2.dms_grid_id, self.grid_pudong)
        domain = [("distributor_id", "in", self.distributors.ids)]
        by_root = {
            grid: (amount, orders)
            for grid, amount, orders in self.Report._read_group(
                domain,
                ["grid_root_id"],
                ["price_subtotal:sum", "order_count:count_distinct"],
            )
        }
        self.assertEqual(set(by_root), {self.grid_east, self.grid_south})
        self._assert_money(
            by_root[self.grid_east][0], east_1.amount_untaxed + east_2.amount_untaxed
        )
        self.assertEqual(by_root[self.grid_east][1], 2)
        self._assert_money(by_root[self.grid_south][0], south.amount_untaxed)
        # child_of on the grid tree gives the same region total
        [(east_amount,)] = self.Report._read_group(
            domain + [("dms_grid_id", "child_of", self.grid_east.id)],
            [],
            ["price_subtotal:sum"],
        )
        self._assert_money(east_amount, by_root[self.grid_east][0])
        by_upline = dict(
            self.Report._read_group(domain, ["upline_id"], ["price_subtotal:sum"])
        )
        self._assert_money(by_upline[self.dist_a], east_1.amount_untaxed)
        by_tier = dict(
            self.Report._read_group(domain, ["tier_id"], ["price_subtotal:sum"])
        )
        self._assert_money(by_tier[self.tier_partner], east_2.amount_untaxed)
        self._assert_money(
            by_tier[self.tier_dist], east_1.amount_untaxed + south.amount_untaxed
        )
        # order count per product: an order with two products counts for each
        by_product = {
            product: (orders, lines)
            for product, orders, lines in self.Report._read_group(
                domain, ["product_id"], ["order_count:count_distinct", "__count"]
            )
        }
        self.assertEqual(by_product[self.juice], (2, 2))
        self.assertEqual(by_product[self.soda], (2, 2))
        by_source = dict(
            self.Report._read_group(
                domain, ["attribution_source"], ["order_count:count_distinct"]
            )
        )
        self.assertEqual(by_source, {"dealer": 2, "code": 1})

    def test_conversion_counts_quotations(self):
        self._sale(self.dist_b, [(self.juice, 1), (self.soda, 1)])
        self._sale(self.customers[0], [(self.juice, 2)], confirm=False,
                   dms_referral_code="BBBB2222")  # fmt: skip
        self._sale(self.customers[1], [(self.juice, 2), (self.soda, 1)],
                   confirm=False, dms_referral_code="BBBB2222")  # fmt: skip
        lost = self._sale(self.dist_b, [(self.juice, 5)], confirm=False)
        lost.action_cancel()
        self._refresh()
        [row] = self.Report._read_group(
            [("distributor_id", "=", self.dist_b.id)],
            ["distributor_id"],
            [
                "order_count:count_distinct",
                "quotation_count:count_distinct",
                "confirmed_count:count_distinct",
                "cancelled_count:count_distinct",
                "conversion_rate:avg",
            ],
        )
        self.assertEqual(row[1:5], (4, 2, 1, 1))
        self.assertAlmostEqual(row[5], 25.0)
        # the web client's read_group gives the same rate per grid
        groups = self.Report.read_group(
            [("distributor_id", "in", self.distributors.ids)],
            ["conversion_rate:avg", "quotation_count:count_distinct"],
            ["grid_root_id"],
        )
        [east] = [g for g in groups if g["grid_root_id"][0] == self.grid_east.id]
        self.assertAlmostEqual(east["conversion_rate"], 25.0)
        self.assertEqual(east["quotation_count"], 2)

    def test_grid_user_sees_their_grids(self):
        east_order = self._sale(self.dist_b, [(self.juice, 1)])
        south_order = self._sale(self.dist_south, [(self.juice, 2), (self.soda, 1)])
        self._refresh()
        south_user = self._grid_user("south_report", self.grid_south)
        Report = self.Report.with_user(south_user)
        rows = Report.search([])
        self.assertTrue(rows)
        self.assertEqual(rows.order_id, south_order)
        self.assertNotIn(east_order, rows.order_id)
        self.assertEqual(
            Report._read_group([], [], ["order_count:count_distinct"]), [(1,)]
        )
        groups = Report.read_group([], ["price_subtotal:sum"], ["distributor_id"])
        self.assertEqual(len(groups), 1)
        self._assert_money(groups[0]["price_subtotal"], south_order.amount_untaxed)
        # rankings: only the distributors of the managed grids
        ranking = self.Ranking.with_user(south_user).search([])
        self.assertEqual(ranking.distributor_id, self.dist_south)
        # another company's rows stay hidden from the channel manager
        manager = self._grid_user(
            "report_manager",
            self.env["dms.grid"],
            "distribution_management.group_dms_manager",
        )
        self.assertEqual(
            self.Report.with_user(manager)
            .search([("order_id", "in", (east_order | south_order).ids)])
            .order_id,
            east_order | south_order,
        )
        other_company = self.env["res.company"].create({"name": "Other Co"})
        manager.write(
            {
                "company_ids": [Command.link(other_company.id)],
                "company_id": other_company.id,
            }
        )
        self.assertFalse(
            self.Report.with_user(manager)
            .with_context(allowed_company_ids=other_company.ids)
            .search([("order_id", "in", (east_order | south_order).ids)])
        )

    def test_read_group_query_budget(self):
        for index in range(5):
            self._sale(self.dist_b, [(self.juice, index + 1), (self.soda, 1)])
            self._sale(self.dist_south, [(self.soda, index + 1)])
        self._refresh()
        user = self._grid_user("budget_report", self.grid_east | self.grid_south)
        Report = self.Report.with_user(user)
        Ranking = self.Ranking.with_user(user)

        def read_report():
            return Report.read_group(
                [("state", "=", "sale")],
                [
                    "price_subtotal:sum",
                    "amount_delivered:sum",
                    "order_count:count_distinct",
                    "conversion_rate:avg",
                ],
                ["grid_root_id", "distributor_id"],
                lazy=False,
            )

        def read_ranking():
            return Ranking.read_group(
                [],
                ["amount:sum", "growth_rate:avg", "conversion_rate:avg"],
                ["tier_id", "dms_grid_id"],
                lazy=False,
            )

        # warm the access rules up, then: one query for the groups, one for
        # the names of each grouped model, whatever the number of orders
        read_report()
        read_ranking()
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            groups = read_report()
        self.assertEqual(len(groups), 2)
        self.assertEqual(sum(g["order_count"] for g in groups), 10)
        with self.assertQueryCount(3):
            read_ranking()

    # ------------------------------------------------------------------
    # Rankings
    # ------------------------------------------------------------------
    def _ranking(self, distributor, month):
        return self.Ranking.search(
            [("distributor_id", "=", distributor.id), ("period", "=", month)]
        )

    def test_ranking_growth_and_new_customers(self):
        x, y, z = self.customers
        jan, feb, mar = date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)
        mid_jan, mid_feb = datetime(2020, 1, 15, 10), datetime(2020, 2, 14, 10)
        # January: A brings X (100) and Y (50)
        self._sale(x, [(self.juice, 10)], when=mid_jan, dms_referral_code="AAAA1111")
        self._sale(y, [(self.juice, 5)], when=mid_jan, dms_referral_code="AAAA1111")
        # February: X again (300), a quotation and a cancelled order
        self._sale(x, [(self.soda, 15)], when=mid_feb, dms_referral_code="AAAA1111")
        self._sale(z, [(self.juice, 1)], confirm=False, date_order=mid_feb,
                   dms_referral_code="AAAA1111")  # fmt: skip
        lost = self._sale(y, [(self.juice, 1)], confirm=False, date_order=mid_feb,
                          dms_referral_code="AAAA1111")  # fmt: skip
        lost.action_cancel()
        # February: B brings Z (200) and orders for itself (10); South sells 500
        self._sale(z, [(self.soda, 10)], when=mid_feb, dms_referral_code="BBBB2222")
        self._sale(self.dist_b, [(self.juice, 1)], when=mid_feb)
        self._sale(self.dist_south, [(self.soda, 25)], when=mid_feb)
        self._refresh()

        a_jan = self._ranking(self.dist_a, jan)
        self.assertEqual(len(a_jan), 1)
        self._assert_money(a_jan.amount, 150.0)
        self.assertEqual(a_jan.order_count, 2)
        self.assertEqual(a_jan.new_customer_count, 2)
        self.assertFalse(a_jan.growth_rate, "no previous month")
        self.assertEqual(a_jan.rank, 1)

        a_feb = self._ranking(self.dist_a, feb)
        self._assert_money(a_feb.amount, 300.0)
        self._assert_money(a_feb.previous_amount, 150.0)
        self.assertAlmostEqual(a_feb.growth_rate, 100.0)
        self.assertEqual(a_feb.new_customer_count, 0, "X bought in January")
        self.assertEqual(
            (a_feb.order_count, a_feb.quotation_count, a_feb.cancelled_count),
            (1, 1, 1),
        )
        self.assertAlmostEqual(a_feb.conversion_rate, 100.0 / 3)
        self.assertEqual(a_feb.currency_id, self.company.currency_id)

        b_feb = self._ranking(self.dist_b, feb)
        self._assert_money(b_feb.amount, 210.0)
        self.assertEqual(b_feb.new_customer_count, 1, "its own order is not a customer")
        self.assertEqual(b_feb.order_count, 2)
        south_feb = self._ranking(self.dist_south, feb)
        # ranks: overall, within the grid (A and B share Pudong), within the tier
        self.assertEqual(
            [(r.rank, r.grid_rank, r.tier_rank) for r in (south_feb, a_feb, b_feb)],
            [(1, 1, 1), (2, 1, 1), (3, 2, 2)],
        )
        self.assertEqual(a_feb.dms_grid_id, self.grid_pudong)
        self.assertEqual(a_feb.grid_root_id, self.grid_east)
        self.assertEqual(b_feb.upline_id, self.dist_a)
        self.assertEqual(b_feb.tier_id, self.tier_dist)

        # March: nothing sold, the fall shows
        a_mar = self._ranking(self.dist_a, mar)
        self._assert_money(a_mar.amount, 0.0)
        self.assertAlmostEqual(a_mar.growth_rate, -100.0)
        self.assertFalse(self._ranking(self.dist_a, date(2020, 4, 1)))

        # growth of a whole region is computed on its sums, not averaged
        [(growth, conversion, new_customers)] = self.Ranking._read_group(
            [("grid_root_id", "=", self.grid_east.id), ("period", "=", feb)],
            [],
            ["growth_rate:avg", "conversion_rate:avg", "new_customer_count:sum"],
        )
        self.assertAlmostEqual(growth, (510.0 - 150.0) * 100 / 150.0)
        self.assertAlmostEqual(conversion, 3 * 100.0 / 5)
        self.assertEqual(new_customers, 1)
        # the ranking and the analysis agree
        [(analysis_amount,)] = self.Report._read_group(
            [
                ("distributor_id", "=", self.dist_a.id),
                ("state", "=", "sale"),
                ("date", ">=", "2020-02-01"),
                ("date", "<", "2020-03-01"),
            ],
            [],
            ["price_subtotal:sum"],
        )
        self._assert_money(analysis_amount, a_feb.amount)
