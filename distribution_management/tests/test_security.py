from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DmsCommon


@tagged("post_install", "-at_install")
class TestSecurity(DmsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the lowest-privileged internal user of the add-on: a grid manager
        cls.south_user = cls._grid_user("south_manager", cls.grid_south)
        cls.pudong_user = cls._grid_user("pudong_manager", cls.grid_pudong)
        cls.channel_manager = new_test_user(
            cls.env,
            login="channel_mgr",
            groups="distribution_management.group_dms_manager",
        )
        cls.plain_user = new_test_user(
            cls.env, login="plain_user", groups="base.group_user"
        )
        license_type = cls.env.ref(
            "distribution_management.document_type_business_license"
        )
        cls.doc_south = cls.env["dms.document"].create(
            {"partner_id": cls.dist_south.id, "type_id": license_type.id}
        )
        cls.doc_a = cls.env["dms.document"].create(
            {"partner_id": cls.dist_a.id, "type_id": license_type.id}
        )

    def test_grid_user_sees_only_own_grids(self):
        Grid = self.env["dms.grid"].with_user(self.south_user)
        self.assertEqual(
            Grid.search([("code", "like", "T-%")]), self.grid_south | self.grid_tianhe
        )
        with self.assertRaises(AccessError):
            self.grid_east.with_user(self.south_user).read(["name"])
        # sub-grids are included
        Grid = self.env["dms.grid"].with_user(self.pudong_user)
        self.assertEqual(
            Grid.search([("code", "like", "T-%")]),
            self.grid_pudong | self.grid_zhangjiang | self.grid_lujiazui,
        )

    def test_grid_user_reads_and_writes_only_their_distributors(self):
        Partner = self.env["res.partner"].with_user(self.south_user)
        self.assertEqual(Partner.search([("dms_state", "!=", False)]), self.dist_south)
        self.dist_south.with_user(self.south_user).write({"phone": "+86 20 1234"})
        self.assertEqual(self.dist_south.phone, "+86 20 1234")
        with self.assertRaises(AccessError):
            self.dist_a.with_user(self.south_user).read(["name"])
        with self.assertRaises(AccessError):
            self.dist_a.with_user(self.south_user).write({"phone": "x"})
        # distributors of sub-grids are included
        self.assertEqual(
            self.env["res.partner"]
            .with_user(self.pudong_user)
            .search([("dms_state", "!=", False)]),
            self.dist_a | self.dist_b | self.dist_c,
        )
        # contacts without grid (no address yet): the grid manager who creates
        # one keeps seeing it, until its address assigns its grid; other grid
        # managers do not (see test_grid_scoping)
        customer = (
            self.env["res.partner"]
            .with_user(self.south_user)
            .create({"name": "Walk-in"})
        )
        self.assertTrue(customer.with_user(self.south_user).read(["name"]))
        with self.assertRaises(AccessError):
            customer.with_user(self.pudong_user).read(["name"])

    def test_grid_user_documents(self):
        Document = self.env["dms.document"].with_user(self.south_user)
        self.assertEqual(Document.search([]), self.doc_south)
        with self.assertRaises(AccessError):
            self.doc_a.with_user(self.south_user).read(["name"])
        with self.assertRaises(AccessError):
            self.doc_a.with_user(self.south_user).write({"name": "x"})

    def test_grid_user_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.env["dms.tier"].with_user(self.south_user).create(
                {"name": "Hack", "code": "HACK"}
            )
        with self.assertRaises(AccessError):
            self.tier_dist.with_user(self.south_user).write({"name": "Hack"})
        with self.assertRaises(AccessError):
            self.env["dms.grid"].with_user(self.south_user).create({"name": "New"})
        with self.assertRaises(AccessError):
            self.env["dms.document.type"].with_user(self.south_user).create(
                {"name": "Hack"}
            )

    def test_grid_user_cannot_move_distributor_out_of_reach(self):
        # writing a grid they do not manage would hide the record: refused
        with self.assertRaises(AccessError):
            self.dist_south.with_user(self.south_user).write(
                {"dms_grid_id": self.grid_pudong.id}
            )

    def test_channel_manager_sees_everything(self):
        Partner = self.env["res.partner"].with_user(self.channel_manager)
        self.assertEqual(
            Partner.search([("id", "in", (self.dist_a | self.dist_south).ids)]),
            self.dist_a | self.dist_south,
        )
        self.assertEqual(
            self.env["dms.document"].with_user(self.channel_manager).search([]),
            self.env["dms.document"].search([]),
        )
        tier = (
            self.env["dms.tier"]
            .with_user(self.channel_manager)
            .create({"name": "New", "code": "T_NEW"})
        )
        self.assertTrue(tier)

    def test_user_without_group(self):
        with self.assertRaises(AccessError):
            self.env["dms.grid"].with_user(self.plain_user).search([])
        with self.assertRaises(AccessError):
            self.env["dms.document"].with_user(self.plain_user).search([])
        with self.assertRaises(AccessError):
            self.dist_a.with_user(self.plain_user).write({"phone": "1"})

    def test_portal_user_has_no_backend_access(self):
        portal = new_test_user(self.env, login="portal_dms", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["dms.grid"].with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.env["dms.tier"].with_user(portal).search([])


@tagged("post_install", "-at_install")
class TestMultiCompany(DmsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "DMS Company B"})
        cls.tier_b = cls.env["dms.tier"].create(
            {"name": "B Tier", "code": "T_DIST", "company_id": cls.company_b.id}
        )
        cls.grid_b = cls.env["dms.grid"].create(
            {
                "name": "B Grid",
                "code": "T-EC",
                "company_id": cls.company_b.id,
                "zip_prefixes": "9",
            }
        )
        cls.dist_b_company = cls.env["res.partner"].create(
            {
                "name": "B Distributor",
                "company_id": cls.company_b.id,
                "zip": "99999",
                "dms_state": "approved",
                "dms_tier_id": cls.tier_b.id,
            }
        )
        cls.manager_a = new_test_user(
            cls.env,
            login="mgr_a",
            groups="distribution_management.group_dms_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_codes_unique_per_company_only(self):
        self.assertEqual(self.tier_b.code, self.tier_dist.code)
        self.assertEqual(self.grid_b.code, self.grid_east.code)

    def test_isolation(self):
        self.assertEqual(self.dist_b_company.dms_grid_id, self.grid_b)
        env = self.env(user=self.manager_a)
        self.assertFalse(env["dms.tier"].search([("id", "=", self.tier_b.id)]))
        self.assertFalse(env["dms.grid"].search([("id", "=", self.grid_b.id)]))
        self.assertFalse(
            env["res.partner"].search([("id", "=", self.dist_b_company.id)])
        )
        with self.assertRaises(AccessError):
            self.grid_b.with_user(self.manager_a).read(["name"])
        with self.assertRaises(AccessError):
            self.dist_b_company.with_user(self.manager_a).read(["name"])
        # with both companies allowed, both are visible
        self.manager_a.company_ids = [Command.link(self.company_b.id)]
        env = self.env(
            user=self.manager_a,
            context={"allowed_company_ids": [self.company.id, self.company_b.id]},
        )
        self.assertTrue(env["dms.grid"].search([("id", "=", self.grid_b.id)]))
