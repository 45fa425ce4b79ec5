import json

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DmsCommon


@tagged("post_install", "-at_install")
class TestGrid(DmsCommon):
    def _partner(self, **vals):
        base = {"name": "Customer", "country_id": self.china.id}
        base.update(vals)
        return self.env["res.partner"].create(base)

    def test_tree_and_names(self):
        self.assertEqual(
            self.grid_zhangjiang.complete_name, "East / Shanghai / Pudong / Zhangjiang"
        )
        self.grid_east.name = "华东大区"
        self.assertEqual(
            self.grid_zhangjiang.complete_name,
            "华东大区 / Shanghai / Pudong / Zhangjiang",
        )
        self.assertEqual(
            self.env["dms.grid"].search([("id", "child_of", self.grid_shanghai.id)]),
            self.grid_shanghai
            | self.grid_pudong
            | self.grid_zhangjiang
            | self.grid_lujiazui,
        )
        with self.assertRaises(UserError):  # ValidationError or recursion
            self.grid_east.parent_id = self.grid_zhangjiang

    def test_polygon_validation(self):
        for bad in (
            "not json",
            '{"type": "Point", "coordinates": [1, 2]}',
            '{"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}',
            '{"type": "Polygon", "coordinates": [[["a", 2], [3, 4], [5, 6], [1, 2]]]}',
            '{"type": "Polygon"}',
        ):
            with self.subTest(polygon=bad), self.assertRaises(ValidationError):
                self.grid_tianhe.polygon = bad
        self.grid_tianhe.polygon = (
            '{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": '
            "[[[[113.3, 23.1], [113.4, 23.1], [113.4, 23.2], [113.3, 23.1]]]]}}"
        )

    def test_match_by_state_city_zip(self):
        # state only: the region
        partner = self._partner(state_id=self.shanghai_state.id, city="Songjiang")
        self.assertEqual(partner.dms_grid_id, self.grid_east)
        # city (case-insensitive, Chinese name too): the city grid
        partner = self._partner(state_id=self.shanghai_state.id, city="shanghai")
        self.assertEqual(partner.dms_grid_id, self.grid_shanghai)
        partner = self._partner(state_id=self.shanghai_state.id, city="上海")
        self.assertEqual(partner.dms_grid_id, self.grid_shanghai)
        # zip prefix: the district, and the longest prefix wins
        partner = self._partner(
            state_id=self.shanghai_state.id, city="Shanghai", zip="200135"
        )
        self.assertEqual(partner.dms_grid_id, self.grid_pudong)
        partner = self._partner(
            state_id=self.shanghai_state.id, city="Shanghai", zip="201203"
        )
        self.assertEqual(partner.dms_grid_id, self.grid_zhangjiang)
        # a cell never matches outside its ancestors' criteria
        partner = self._partner(country_id=self.env.ref("base.fr").id, zip="201203")
        self.assertFalse(partner.dms_grid_id)
        self.assertFalse(partner.dms_grid_ambiguous)
        partner = self._partner(state_id=self.guangdong_state.id, zip="201203")
        self.assertEqual(partner.dms_grid_id, self.grid_south)

    def test_match_by_polygon_is_most_specific(self):
        partner = self._partner(
            state_id=self.shanghai_state.id,
            city="Shanghai",
            zip="200120",
            partner_latitude=31.24,
            partner_longitude=121.50,
        )
        self.assertEqual(partner.dms_grid_id, self.grid_lujiazui)
        # moving outside the polygon falls back to the zip match
        partner.write({"partner_latitude": 31.30, "partner_longitude": 121.60})
        self.assertEqual(partner.dms_grid_id, self.grid_pudong)

    def test_polygon_with_hole(self):
        outer = [[121.49, 31.23], [121.52, 31.23], [121.52, 31.25], [121.49, 31.25]]
        hole = [[121.50, 31.235], [121.51, 31.235], [121.51, 31.245], [121.50, 31.245]]
        self.grid_lujiazui.polygon = json.dumps(
            {"type": "Polygon", "coordinates": [outer + outer[:1], hole + hole[:1]]}
        )
        inside_hole = self._partner(
            state_id=self.shanghai_state.id,
            city="Shanghai",
            zip="200120",
            partner_latitude=31.24,
            partner_longitude=121.505,
        )
        self.assertEqual(inside_hole.dms_grid_id, self.grid_pudong)
        in_ring = self._partner(
            state_id=self.shanghai_state.id,
            city="Shanghai",
            zip="200120",
            partner_latitude=31.232,
            partner_longitude=121.495,
        )
        self.assertEqual(in_ring.dms_grid_id, self.grid_lujiazui)

    def test_ambiguous_match_is_reported_not_chosen(self):
        twin = self.grid_tianhe.copy({"name": "Tianhe Twin", "code": "T-SC-TW"})
        partner = self._partner(state_id=self.guangdong_state.id, zip="510630")
        self.assertFalse(partner.dms_grid_id)
        self.assertTrue(partner.dms_grid_ambiguous)
        self.assertIn("Tianhe Twin", partner.dms_grid_match_info)
        self.assertIn("South / Tianhe", partner.dms_grid_match_info)
        # a distributor hears of it in its chatter
        distributor = self._create_distributor(
            "Twin Dist",
            "draft",
            zip_code="510630",
            region=self.guangdong_state,
            city="Guangzhou",
        )
        self.assertTrue(distributor.dms_grid_ambiguous)
        self.assertIn("several grids", distributor.message_ids[0].body)
        # once resolved, re-assigning clears the flag
        twin.zip_prefixes = "5199"
        action = partner.action_dms_reassign_grid()
        self.assertEqual(partner.dms_grid_id, self.grid_tianhe)
        self.assertFalse(partner.dms_grid_ambiguous)
        self.assertEqual(action["params"]["type"], "success")

    def test_address_change_reassigns_unless_manual(self):
        partner = self._partner(state_id=self.guangdong_state.id, zip="510630")
        self.assertEqual(partner.dms_grid_id, self.grid_tianhe)
        partner.write(
            {"state_id": self.shanghai_state.id, "city": "Shanghai", "zip": "201203"}
        )
        self.assertEqual(partner.dms_grid_id, self.grid_zhangjiang)
        partner.dms_grid_id = self.grid_south
        self.assertTrue(partner.dms_grid_manual)
        partner.zip = "200120"
        self.assertEqual(partner.dms_grid_id, self.grid_south, "manual choice kept")
        # the explicit re-assign action overrides the manual choice
        partner.action_dms_reassign_grid()
        self.assertEqual(partner.dms_grid_id, self.grid_pudong)
        self.assertFalse(partner.dms_grid_manual)

    def test_reassign_selection_reports_counts(self):
        partners = self._partner(
            state_id=self.guangdong_state.id, zip="510630"
        ) | self._partner(country_id=self.env.ref("base.fr").id)
        action = partners.action_dms_reassign_grid()
        self.assertIn("1 assigned", action["params"]["message"])
        self.assertIn("1 without matching grid", action["params"]["message"])

    def test_other_company_grids_do_not_match(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["dms.grid"].create(
            {
                "name": "Other Tianhe",
                "level": "cell",
                "company_id": other.id,
                "zip_prefixes": "510630",
            }
        )
        partner = self._partner(state_id=self.guangdong_state.id, zip="510630")
        self.assertEqual(partner.dms_grid_id, self.grid_tianhe)
        partner_other = self._partner(
            state_id=self.guangdong_state.id, zip="510630", company_id=other.id
        )
        self.assertEqual(partner_other.dms_grid_id.name, "Other Tianhe")

    def test_coverage(self):
        uncovered = self.env["dms.grid"].search(
            [
                ("child_ids", "=", False),
                ("is_covered", "=", False),
                ("id", "child_of", (self.grid_east | self.grid_south).ids),
            ]
        )
        # Pudong holds A, B, C; Tianhe holds the southern distributor
        self.assertEqual(uncovered, self.grid_zhangjiang | self.grid_lujiazui)
        self.assertTrue(self.grid_pudong.is_covered)
        zhangjiang_dist = self._create_distributor("ZJ", "approved", zip_code="201203")
        self.assertFalse(
            self.env["dms.grid"].search(
                [("id", "=", self.grid_zhangjiang.id), ("is_covered", "=", False)]
            )
        )
        # a suspended distributor does not cover its grid
        self.dist_south.dms_state = "suspended"
        self.assertFalse(self.grid_tianhe.is_covered)
        # a grid counts the distributors of its sub-grids, as its button
        # lists them: Pudong its own three and Zhangjiang's
        self.assertEqual(self.grid_pudong.distributor_count, 4)
        self.assertEqual(self.grid_zhangjiang.distributor_count, 1)
        action = self.grid_pudong.action_view_distributors()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]),
            self.dist_a | self.dist_b | self.dist_c | zhangjiang_dist,
        )
        Partner = self.env["res.partner"]
        for grid in (self.grid_east, self.grid_shanghai, self.grid_south):
            with self.subTest(grid=grid.name):
                listed = Partner.search(grid.action_view_distributors()["domain"])
                self.assertTrue(listed)
                self.assertEqual(grid.distributor_count, len(listed))
        # a grid manager of the region reads the same counts
        manager = self._grid_user("grid_count_manager", self.grid_east)
        east = self.grid_east.with_user(manager)
        east.invalidate_recordset(["distributor_count"])
        self.assertEqual(
            east.distributor_count,
            Partner.search_count(
                [
                    ("dms_grid_id", "child_of", self.grid_east.id),
                    ("dms_state", "!=", False),
                ]
            ),
        )

    def test_manager_change_updates_access(self):
        user = self._grid_user("grid_switch", self.grid_south)
        Grid = self.env["dms.grid"].with_user(user)
        self.assertEqual(Grid.search([]), self.grid_south | self.grid_tianhe)
        self.grid_east.manager_ids = [Command.link(user.id)]
        self.assertIn(self.grid_zhangjiang, Grid.search([]))
