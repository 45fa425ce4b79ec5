import json

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import file_open


@tagged("post_install", "-at_install")
class TestCommissionDashboard(TransactionCase):
    """The Commissions dashboard: shipped, in the Distribution group, and
    every figure readable by a grid manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(
            "distribution_management_report_commission.spreadsheet_dashboard_commission"
        )
        grid = cls.env["dms.grid"].create({"name": "Dashboard Grid", "level": "region"})
        cls.grid_user = new_test_user(
            cls.env,
            login="dms_commission_dashboard_user",
            groups="distribution_management.group_dms_user",
        )
        cls.grid_user.dms_grid_ids = grid

    def test_dashboard_is_the_shipped_file(self):
        with file_open(
            "distribution_management_report_commission/data/files/"
            "commission_dashboard.json"
        ) as json_file:
            shipped = json.load(json_file)
        self.assertEqual(json.loads(self.dashboard.spreadsheet_data), shipped)
        self.assertEqual(
            self.dashboard.dashboard_group_id,
            self.env.ref(
                "distribution_management_report.spreadsheet_dashboard_group_distribution"
            ),
        )
        self.assertTrue(self.dashboard.is_published)

    def test_every_figure_reads_for_a_grid_manager(self):
        groups = self.env["spreadsheet.dashboard.group"].with_user(self.grid_user)
        self.assertIn(self.dashboard, groups.search([]).published_dashboard_ids)
        snapshot = self.dashboard.with_user(self.grid_user).get_readonly_dashboard()[
            "snapshot"
        ]
        self.assertEqual(
            {pivot["model"] for pivot in snapshot["pivots"].values()},
            {"dms.commission.line", "dms.withdrawal"},
        )
        cells = " ".join(
            cell.get("content", "") for cell in snapshot["sheets"][0]["cells"].values()
        )
        for pivot_id, pivot in snapshot["pivots"].items():
            Model = self.env[pivot["model"]].with_user(self.grid_user)
            measures = [
                fname
                if fname == "__count"
                else f"{fname}:{Model._fields[fname].aggregator}"
                for fname in (m["fieldName"] for m in pivot["measures"])
            ]
            groupby = [row["fieldName"] for row in pivot["rows"]]
            # raises AccessError / ValueError on a broken source
            Model.read_group(pivot["domain"], measures, groupby, lazy=False)
            self.assertIn(f"PIVOT.VALUE({pivot_id},", cells)
        for xmlid in snapshot["chartOdooMenusReferences"].values():
            self.assertTrue(self.env.ref(xmlid))
