import json

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open


@tagged("post_install", "-at_install")
class TestDashboard(HttpCase):
    """The Distribution app opens on a spreadsheet dashboard whose figures a
    grid manager sees for their grids only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.dashboard = env.ref(
            "distribution_management_report.spreadsheet_dashboard_distribution"
        )
        Grid = env["dms.grid"]
        cls.grid = Grid.create({"name": "Dashboard Tour Grid", "level": "region"})
        cls.other_grid = Grid.create(
            {"name": "Dashboard Other Grid", "level": "region"}
        )
        cls.tier = env["dms.tier"].create({"name": "Dashboard Tier", "code": "T_DASH"})
        cls.pricelist = env["product.pricelist"].create({"name": "Dashboard prices"})
        cls.product = env["product.product"].create(
            {
                "name": "Dashboard Juice",
                "type": "consu",
                "list_price": 10.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.dealer = cls._dealer("Dashboard Tour Dealer", cls.grid)
        cls.other_dealer = cls._dealer("Dashboard Other Dealer", cls.other_grid)
        cls.order = cls._sale(cls.dealer, 12345.67)
        cls.other_order = cls._sale(cls.other_dealer, 50000.0)
        cls.grid_user = new_test_user(
            env,
            login="dms_dashboard_user",
            groups="distribution_management.group_dms_user",
        )
        cls.grid_user.dms_grid_ids = [Command.set(cls.grid.ids)]
        if "tour_enabled" in cls.grid_user._fields:
            cls.grid_user.tour_enabled = False
        cls.manager = env.ref("base.user_admin")

    @classmethod
    def _dealer(cls, name, grid):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "dms_state": "approved",
                "dms_tier_id": cls.tier.id,
                "dms_grid_id": grid.id,
            }
        )

    @classmethod
    def _sale(cls, dealer, amount):
        order = cls.env["sale.order"].create(
            {
                "partner_id": dealer.id,
                "pricelist_id": cls.pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def _snapshot(self, user):
        dashboard = self.dashboard.with_user(user)
        return dashboard.get_readonly_dashboard()["snapshot"]

    def _month_domain(self):
        """This month in UTC, as the dashboard's default period (the orders
        are dated now, so the browser's time zone does not matter)."""
        start = fields.Datetime.now().replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        return [("date", ">=", start), ("date", "<", start + relativedelta(months=1))]

    def test_app_opens_on_the_dashboard(self):
        action = self.env.ref("distribution_management_report.action_dms_dashboard")
        self.assertEqual(action.tag, "action_spreadsheet_dashboard")
        self.assertEqual(action.params, {"dashboard_id": self.dashboard.id})
        root = self.env.ref("distribution_management.menu_dms_root")
        self.assertEqual(root.action, action)
        first_menu = root.child_id.sorted("sequence")[0]
        self.assertEqual(
            first_menu,
            self.env.ref("distribution_management_report.menu_dms_dashboard"),
        )
        self.assertEqual(first_menu.action, action)
        self.assertTrue(self.dashboard.is_published)
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Distribution")
        # a grid manager may open it
        groups = self.env["spreadsheet.dashboard.group"].with_user(self.grid_user)
        visible = groups.search([]).published_dashboard_ids
        self.assertIn(self.dashboard, visible)
        snapshot = self._snapshot(self.grid_user)
        self.assertEqual(snapshot["sheets"][0]["name"], "Dashboard")
        self.assertEqual(
            {pivot["model"] for pivot in snapshot["pivots"].values()},
            {
                "dms.sale.report",
                "dms.distributor.ranking",
                "res.partner",
            },
        )

    def test_every_figure_reads_for_a_grid_manager(self):
        """Each pivot and chart of the dashboard runs as a grid manager, and
        each pivot figure is a cell the user can click to see its records."""
        snapshot = self._snapshot(self.grid_user)
        cells = " ".join(
            cell.get("content", "") for cell in snapshot["sheets"][0]["cells"].values()
        )
        for pivot_id, pivot in snapshot["pivots"].items():
            Model = self.env[pivot["model"]].with_user(self.grid_user)
            measures = []
            for measure in pivot["measures"]:
                fname = measure["fieldName"]
                if fname != "__count":
                    fname = f"{fname}:{Model._fields[fname].aggregator}"
                measures.append(fname)
            groupby = [row["fieldName"] for row in pivot["rows"]]
            # raises AccessError / ValueError on a broken source
            Model.read_group(pivot["domain"], measures, groupby, lazy=False)
            self.assertIn(f"PIVOT.VALUE({pivot_id},", cells)
        charts = [
            figure["data"]
            for figure in snapshot["sheets"][0]["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]
        self.assertTrue(charts)
        for chart in charts:
            meta = chart["metaData"]
            Model = self.env[meta["resModel"]].with_user(self.grid_user)
            Model.read_group(
                chart["searchParams"]["domain"],
                [f"{meta['measure']}:sum"],
                meta["groupBy"],
                lazy=False,
            )

    def test_figures_follow_the_grid_rules(self):
        snapshot = self._snapshot(self.grid_user)
        sales = snapshot["pivots"]["1"]
        self.assertEqual(sales["model"], "dms.sale.report")
        domain = sales["domain"] + self._month_domain()
        Report = self.env["dms.sale.report"]
        self.env.flush_all()

        def month_sales(user):
            [(total,)] = Report.with_user(user)._read_group(
                domain, [], ["price_subtotal:sum"]
            )
            return total

        self.assertAlmostEqual(month_sales(self.grid_user), 12345.67, places=2)
        self.assertGreaterEqual(month_sales(self.manager), 62345.67 - 0.005)
        # the leaderboard and the sales by grid: the manager's grid only
        Ranking = self.env["dms.distributor.ranking"].with_user(self.grid_user)
        self.assertEqual(Ranking.search([]).distributor_id, self.dealer)
        grids = Report.with_user(self.grid_user)._read_group(
            domain, ["dms_grid_id"], ["price_subtotal:sum"]
        )
        self.assertEqual([grid for grid, __ in grids], [self.grid])

    def test_dashboard_is_the_shipped_file(self):
        with file_open(
            "distribution_management_report/data/files/distribution_dashboard.json"
        ) as json_file:
            shipped = json.load(json_file)
        self.assertEqual(json.loads(self.dashboard.spreadsheet_data), shipped)
        [period] = shipped["globalFilters"]
        self.assertEqual(period["defaultValue"], "this_month")
        # the previous period's figures are the same pivots one period back
        offsets = {
            pivot["name"]: pivot["fieldMatching"][period["id"]]["offset"]
            for pivot in shipped["pivots"].values()
            if period["id"] in pivot["fieldMatching"]
        }
        self.assertEqual(offsets["Network sales - period"], 0)
        self.assertEqual(offsets["Network sales - previous period"], -1)

    def test_dashboard_tour(self):
        self.start_tour("/odoo", "dms_dashboard_tour", login="dms_dashboard_user")
