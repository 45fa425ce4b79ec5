"""Grid managers over Odoo's own documents (orders, invoices, deliveries,
customers, analyses): an access matrix, the refused moves and the Odoo flow
inside their own grids; the salesperson of portal orders."""

from types import SimpleNamespace
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.http import root
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.distribution_management.models import sale_order as sale_order_module

from .test_sale import DmsSaleCommon

GRID_USER = "distribution_management.group_dms_user"


class GridScopingCommon(DmsSaleCommon):
    # the groups of a grid manager who also invoices (and ships, with the
    # stock add-on)
    BILLER_GROUPS = f"{GRID_USER},account.group_account_invoice,base.group_allow_export"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a grid manager with nothing else than the Distribution / User group
        cls.east_user = cls._grid_user("east_scope", cls.grid_east)
        # the same, also invoicing and shipping: the extra groups' rules must
        # not widen the grids
        cls.east_biller = cls._grid_user(
            "east_biller", cls.grid_east, cls.BILLER_GROUPS
        )
        cls.south_user = cls._grid_user("south_scope", cls.grid_south)
        cls.south_customer = cls.env["res.partner"].create(
            {
                "name": "Canton Grocer",
                "country_id": cls.china.id,
                "state_id": cls.guangdong_state.id,
                "city": "Guangzhou",
                "zip": "510620",
            }
        )
        cls.east_order, cls.east_invoice = cls._delivered_invoiced(cls.customer)
        cls.south_order, cls.south_invoice = cls._delivered_invoiced(cls.south_customer)
        # a quick order of a dealer: no salesperson before this fix
        cls.south_dealer_order = cls._plain_order(cls.dist_south)
        cls.south_dealer_order.user_id = False
        cls.south_payment = cls._pay(cls.south_invoice)
        cls.south_bank = cls.env["res.partner.bank"].create(
            {"acc_number": "CN-SOUTH-001", "partner_id": cls.south_customer.id}
        )

    @classmethod
    def _plain_order(cls, partner, qty=2):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": cls.juice.id, "product_uom_qty": qty})
                ],
            }
        )

    @classmethod
    def _deliver(cls, order):
        """Ship a confirmed order (an add-on with deliveries does it)."""

    @classmethod
    def _delivered_invoiced(cls, partner):
        order = cls._plain_order(partner)
        # nobody's personal order: Own Documents lets these through
        order.user_id = False
        order.action_confirm()
        cls._deliver(order)
        invoice = order._create_invoices()
        invoice.invoice_user_id = False
        invoice.action_post()
        return order, invoice

    @classmethod
    def _pay(cls, invoice, env=None):
        env = env or cls.env
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        return wizard._create_payments()

    def _south_records(self):
        """{model: (records of South the east grid user must not reach,
        records of East they must reach)}"""
        SaleReport = self.env["sale.report"]
        InvoiceReport = self.env["account.invoice.report"]
        return {
            "sale.order": (self.south_order | self.south_dealer_order, self.east_order),
            "sale.order.line": (
                (self.south_order | self.south_dealer_order).order_line,
                self.east_order.order_line,
            ),
            "account.move": (self.south_invoice, self.east_invoice),
            "account.move.line": (
                self.south_invoice.line_ids,
                self.east_invoice.line_ids,
            ),
            "res.partner": (
                self.south_customer | self.dist_south,
                self.customer | self.dist_a,
            ),
            "sale.report": (
                SaleReport.search(
                    [
                        (
                            "order_reference",
                            "in",
                            [
                                f"sale.order,{order.id}"
                                for order in self.south_order | self.south_dealer_order
                            ],
                        )
                    ]
                ),
                SaleReport.search(
                    [("order_reference", "=", f"sale.order,{self.east_order.id}")]
                ),
            ),
            "account.invoice.report": (
                InvoiceReport.search([("move_id", "=", self.south_invoice.id)]),
                InvoiceReport.search([("move_id", "=", self.east_invoice.id)]),
            ),
            "res.partner.bank": (self.south_bank, self.env["res.partner.bank"]),
        }

    def _assert_matrix(self, user, models=None):
        for model, (south, east) in self._south_records().items():
            if models and model not in models:
                continue
            self.assertTrue(south, model)
            Model = self.env[model].with_user(user)
            ids = (south | east).ids
            with self.subTest(model=model, user=user.login):
                if not Model.has_access("read"):
                    continue
                domain = [("id", "in", ids)]
                self.assertEqual(Model.search(domain), east.with_user(user))
                self.assertEqual(
                    {row["id"] for row in Model.search_read(domain, ["id"])},
                    set(east.ids),
                )
                self.assertEqual(
                    Model.read_group(domain, ["id:count"], [])[0]["__count"],
                    len(east),
                )
                self.assertEqual(Model.search_count(domain), len(east))
                with self.assertRaises(AccessError):
                    south.with_user(user).read(["display_name"])
                if user.has_group("base.group_allow_export"):
                    with self.assertRaises(AccessError):
                        south.with_user(user).export_data(["id", "display_name"])
                found = {
                    rid
                    for rid, _name in Model.name_search(
                        south[:1].sudo().display_name, limit=1000
                    )
                }
                self.assertFalse(found & set(south.ids))
                with self.assertRaises(AccessError):
                    south.with_user(user).write({"display_name": "x"})
                with self.assertRaises(AccessError):
                    south.with_user(user).unlink()
                self.assertTrue(south.exists())


@tagged("post_install", "-at_install")
class TestGridScoping(GridScopingCommon):
    def test_matrix_grid_user(self):
        self._assert_matrix(self.east_user)

    def test_matrix_grid_user_with_invoicing_and_inventory(self):
        self._assert_matrix(self.east_biller)
        Payment = self.env["account.payment"].with_user(self.east_biller)
        self.assertFalse(Payment.search([("id", "=", self.south_payment.id)]))
        with self.assertRaises(AccessError):
            self.south_payment.with_user(self.east_biller).read(["amount"])

    def test_matrix_south_sees_south(self):
        """The same records seen from South: the matrix is not empty-handed."""
        Order = self.env["sale.order"].with_user(self.south_user)
        self.assertEqual(
            Order.search([("id", "in", (self.south_order | self.east_order).ids)]),
            self.south_order,
        )
        self.assertTrue(self.south_invoice.with_user(self.south_user).read(["name"]))

    def test_own_documents_do_not_widen(self):
        """Orders and invoices without salesperson are no longer everybody's."""
        self.assertFalse(self.south_order.user_id)
        self.assertFalse(self.south_invoice.invoice_user_id)
        for model, record in (
            ("sale.order", self.south_order),
            ("account.move", self.south_invoice),
        ):
            self.assertFalse(
                self.env[model]
                .with_user(self.east_user)
                .search([("id", "=", record.id)]),
                model,
            )
        # analyses grouped by grid show only the managed grids
        groups = (
            self.env["sale.report"]
            .with_user(self.east_user)
            .read_group([], ["price_subtotal:sum"], ["dms_grid_id"])
        )
        grids = self.env["dms.grid"].search([("id", "child_of", self.grid_east.ids)])
        self.assertTrue(groups)
        for group in groups:
            self.assertIn(group["dms_grid_id"][0], grids.ids)

    def test_create_order_for_other_grid_customer_refused(self):
        Order = self.env["sale.order"].with_user(self.east_user)
        line = [Command.create({"product_id": self.juice.id, "product_uom_qty": 1})]
        with self.assertRaises(AccessError):
            Order.create({"partner_id": self.south_customer.id, "order_line": line})
        # shipped inside the grid, but the customer is South's
        with self.assertRaises(AccessError):
            Order.create(
                {
                    "partner_id": self.south_customer.id,
                    "partner_shipping_id": self.customer.id,
                    "partner_invoice_id": self.customer.id,
                    "order_line": line,
                }
            )
        # invoices: the same
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.east_biller).create(
                {"move_type": "out_invoice", "partner_id": self.south_customer.id}
            )
        # a customer with an address in another grid
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.east_user).create(
                {
                    "name": "Not mine",
                    "country_id": self.china.id,
                    "state_id": self.guangdong_state.id,
                    "zip": "510620",
                }
            )

    def test_move_into_other_grid_refused(self):
        order = self._plain_order(self.customer).with_user(self.east_user)
        cases = [
            (order, {"partner_shipping_id": self.south_customer.id}),
            (order, {"partner_id": self.south_customer.id}),
            (order, {"dms_grid_id": self.grid_south.id}),
            (
                self.customer.with_user(self.east_user),
                {"dms_grid_id": self.grid_south.id},
            ),
            (
                self.customer.with_user(self.east_user),
                {"state_id": self.guangdong_state.id, "zip": "510620"},
            ),
            (
                self.env["account.move"]
                .create({"move_type": "out_invoice", "partner_id": self.customer.id})
                .with_user(self.east_biller),
                {"partner_shipping_id": self.south_customer.id},
            ),
            # a line into a document of another grid
            (
                order.order_line[:1],
                {"order_id": self.south_order.id},
            ),
            # the stored grids themselves
            (
                self.east_invoice.with_user(self.east_biller),
                {"dms_grid_id": self.grid_south.id},
            ),
        ]
        for record, vals in cases:
            with self.subTest(model=record._name, vals=vals):
                with self.assertRaises(AccessError):
                    with self.env.cr.savepoint():
                        record.write(vals)
        self.assertEqual(order.dms_grid_id, self.grid_pudong)
        self.assertEqual(self.customer.dms_grid_id, self.grid_pudong)
        # inside the grids, moving is fine
        order.write({"dms_grid_id": self.grid_shanghai.id})
        self.assertEqual(order.dms_grid_id, self.grid_shanghai)

    def test_records_without_grid(self):
        """Seen by the grid manager who created them or is their salesperson;
        internal partners (users, the company) by everyone."""
        Partner = self.env["res.partner"]
        mine = Partner.with_user(self.east_user).create({"name": "No address yet"})
        self.assertFalse(mine.dms_grid_id)
        self.assertTrue(mine.read(["name"]))
        theirs = Partner.create({"name": "Someone else's lead"})
        assigned = Partner.create({"name": "Assigned", "user_id": self.east_user.id})
        self.assertEqual(
            Partner.with_user(self.east_user).search(
                [("id", "in", (mine | theirs | assigned).ids)]
            ),
            mine | assigned,
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.south_user).read(["name"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.east_user).read(["name"])
        # a quotation for it, then the address assigns the grid
        order = (
            self.env["sale.order"]
            .with_user(self.east_user)
            .create(
                {
                    "partner_id": mine.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.juice.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )
        self.assertFalse(order.dms_grid_id)
        self.assertTrue(order.read(["name"]))
        with self.assertRaises(AccessError):
            order.with_user(self.south_user).read(["name"])
        mine.write(
            {
                "country_id": self.china.id,
                "state_id": self.shanghai_state.id,
                "city": "Shanghai",
                "zip": "200125",
            }
        )
        self.assertEqual(mine.dms_grid_id, self.grid_pudong)
        self.assertEqual(order.dms_grid_id, self.grid_pudong)
        # internal partners stay readable
        internal = (
            self.env.company.partner_id | self.env.ref("base.user_admin").partner_id
        )
        self.assertTrue(internal.with_user(self.east_user).read(["name"]))

    def test_odoo_flow_as_grid_manager(self):
        """Quotation -> order -> delivery -> invoice -> payment, by a grid
        manager who also invoices and ships, inside their grid."""
        user = self.east_biller
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.juice.id, "product_uom_qty": 3}
                        )
                    ],
                }
            )
        )
        self.assertEqual(order.dms_grid_id, self.grid_pudong)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self._deliver(order)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(user)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids
        self.assertEqual(invoice.dms_grid_id, self.grid_pudong)
        # 3 x Juice 0 at 10.00 less the 10 % of the first pricelist
        self.assertEqual(invoice.amount_total, 27.00)
        invoice.action_post()
        payment = self._pay(invoice, env=self.env(user=user))
        self.assertEqual(payment.dms_grid_id, self.grid_pudong)
        self.assertEqual(payment.amount, 27.00)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        report = (
            self.env["account.invoice.report"]
            .with_user(user)
            .search([("move_id", "=", invoice.id)])
        )
        self.assertEqual(sum(report.mapped("price_subtotal")), 27.00)

    def test_odoo_flow_as_plain_grid_user(self):
        """With only Distribution / User: quotation, confirmation, invoice."""
        user = self.east_user
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.juice.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        self._deliver(order.sudo())
        invoice = order.with_user(user)._create_invoices()
        self.assertEqual(invoice.with_user(user).amount_total, 18.00)
        self.assertEqual(
            self.env["sale.report"]
            .with_user(user)
            .search_count([("order_reference", "=", f"sale.order,{order.id}")]),
            1,
        )

    def test_administrator_sees_everything(self):
        manager = self._grid_user(
            "channel_scope",
            self.env["dms.grid"],
            "distribution_management.group_dms_manager",
        )
        for model, (south, east) in self._south_records().items():
            Model = self.env[model].with_user(manager)
            if not Model.has_access("read"):
                continue
            with self.subTest(model=model):
                self.assertEqual(
                    Model.search([("id", "in", (south | east).ids)]),
                    (south | east).with_user(manager),
                )


@tagged("post_install", "-at_install")
class TestPortalSalesperson(GridScopingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account_manager = new_test_user(
            cls.env, login="acct_mgr", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="other_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.default_salesperson = new_test_user(
            cls.env, login="default_sp", groups="sales_team.group_sale_salesman"
        )
        cls.company.dms_portal_salesperson_id = cls.default_salesperson
        cls.dealer_user = new_test_user(
            cls.env,
            login="scope_dealer_b",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )

    def _quick_order(self):
        return (
            self.env["sale.order"]
            .with_user(self.dealer_user)
            .sudo()
            ._dms_create_quick_order(
                self.dist_b, self.dealer_user.partner_id, [(self.juice, 1)]
            )
        )

    def test_precedence(self):
        # 1. the distributor's account manager
        self.dist_b.user_id = self.account_manager
        self.grid_shanghai.manager_ids = [Command.set(self.east_user.ids)]
        self.assertEqual(self._quick_order().user_id, self.account_manager)
        # 2. the first manager of the order's grid or of its nearest parent
        self.dist_b.user_id = False
        self.assertEqual(self.dist_b.dms_grid_id, self.grid_pudong)
        self.assertEqual(self._quick_order().user_id, self.east_user)
        # 3. the company default
        self.grid_shanghai.manager_ids = [Command.clear()]
        self.grid_east.manager_ids = [Command.clear()]
        self.assertEqual(self._quick_order().user_id, self.default_salesperson)

    def test_my_documents_behave(self):
        """Own Documents salesmen see the portal orders assigned to them only."""
        self.dist_b.user_id = self.account_manager
        order = self._quick_order()
        Order = self.env["sale.order"]
        self.assertEqual(
            Order.with_user(self.account_manager).search([("id", "=", order.id)]),
            order,
        )
        self.assertFalse(
            Order.with_user(self.other_salesman).search([("id", "=", order.id)])
        )

    def test_any_portal_created_order(self):
        """Orders created by a portal user by other means get one too."""
        self.dist_a.user_id = self.account_manager
        order = (
            self.env["sale.order"]
            .with_user(self.dealer_user)
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "dms_referral_code": "AAAA1111",
                    "order_line": [
                        Command.create(
                            {"product_id": self.juice.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )
        self.assertEqual(order.dms_distributor_id, self.dist_a)
        self.assertEqual(order.user_id, self.account_manager)


@tagged("post_install", "-at_install", "dms_demo")
class TestGridScopingDemo(TransactionCase):
    """The demo's East China grid manager against the South China documents
    (tag dms_demo: left out of a run without demo data)."""

    # (model, path to the grid of its records)
    SCOPED_MODELS = (
        ("sale.order", "dms_grid_id"),
        ("account.move", "dms_grid_id"),
        ("res.partner", "dms_grid_id"),
        ("sale.report", "dms_grid_id"),
        ("account.invoice.report", "dms_grid_id"),
        ("sale.order.line", "order_id.dms_grid_id"),
        ("account.move.line", "move_id.dms_grid_id"),
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls.env.ref(
            "distribution_management.user_grid_manager_east", raise_if_not_found=False
        )
        cls.grid_ec = cls.env.ref(
            "distribution_management.grid_ec", raise_if_not_found=False
        )
        cls.grid_sc = cls.env.ref(
            "distribution_management.grid_sc", raise_if_not_found=False
        )

    def setUp(self):
        super().setUp()
        if not (self.user and self.grid_ec and self.grid_sc):
            self.skipTest("demo data not installed")

    def test_eastmanager_sees_only_east(self):
        east = self.env["dms.grid"].search([("id", "child_of", self.grid_ec.ids)])
        south_grids = [("dms_grid_id", "child_of", self.grid_sc.ids)]
        checked = 0
        for model, path in self.SCOPED_MODELS:
            domain = [(path, "child_of", self.grid_sc.ids)]
            if model == "res.partner":
                # internal partners (users, companies) are readable by design
                domain.append(("partner_share", "=", True))
            south = self.env[model].search(domain)
            Model = self.env[model].with_user(self.user)
            with self.subTest(model=model):
                if not Model.has_access("read"):
                    continue
                visible = Model.search([])
                if model == "res.partner":
                    visible = visible.filtered("partner_share")
                self.assertFalse(set(visible.ids) & set(south.ids))
                grids = visible.sudo().mapped(path)
                self.assertLessEqual(set(grids.ids), set(east.ids))
                if south:
                    checked += 1
                    with self.assertRaises(AccessError):
                        south[:1].with_user(self.user).read(["display_name"])
        self.assertTrue(checked)
        self.assertTrue(
            self.env["sale.order"].search(south_grids),
            "the demo has South China orders",
        )


@tagged("post_install", "-at_install")
class TestReferralSession(DmsSaleCommon, HttpCase):
    """A referral link credits the orders of its visitor, in that visit only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.back_office = new_test_user(
            cls.env,
            login="bo_sales",
            password="bo_sales_pw",
            groups="sales_team.group_sale_salesman",
        )
        cls.visitor = new_test_user(
            cls.env,
            login="ref_visitor",
            password="ref_visitor_pw",
            groups="base.group_portal",
        )
        cls.other_visitor = new_test_user(
            cls.env, login="ref_other", groups="base.group_portal"
        )

    def _follow_link(self):
        response = self.url_open("/dms/r/BBBB2222", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        sids = {c.value for c in self.opener.cookies if c.name == "session_id"}
        sessions = [root.session_store.get(sid) for sid in sids]
        sessions = [session for session in sessions if "dms_referral_code" in session]
        self.assertEqual(len(sessions), 1)
        return sessions[0]

    def _order_vals(self, partner):
        return {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": self.juice.id, "product_uom_qty": 1})
            ],
        }

    def _create_in_visit(self, session, user, partner):
        """Create an order as ``user`` while serving a request of ``session``."""
        fake_request = SimpleNamespace(session=session)
        with patch.object(sale_order_module, "request", fake_request):
            return (
                self.env["sale.order"]
                .with_user(user)
                .sudo()
                .create(self._order_vals(partner))
            )

    def test_internal_user_back_office_order_not_credited(self):
        self.authenticate("bo_sales", "bo_sales_pw")
        session = self._follow_link()
        self.assertEqual(session.get("dms_referral_code"), "BBBB2222")
        # a quotation created from the back office, in the same session
        order_id = self.make_jsonrpc_request(
            "/web/dataset/call_kw/sale.order/create",
            {
                "model": "sale.order",
                "method": "create",
                "args": [self._order_vals(self.customer)],
                "kwargs": {},
            },
        )
        order = self.env["sale.order"].browse(order_id)
        self.assertEqual(order.partner_id, self.customer)
        self.assertFalse(order.dms_distributor_id)
        self.assertFalse(order.dms_attribution_source)

    def test_portal_visitor_order_credited(self):
        self.authenticate("ref_visitor", "ref_visitor_pw")
        session = self._follow_link()
        self.assertEqual(session.uid, self.visitor.id)
        order = self._create_in_visit(session, self.visitor, self.visitor.partner_id)
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        self.assertEqual(order.dms_attribution_source, "link")
        # the same session, but orders created for / by someone else
        for user in (self.back_office, self.other_visitor):
            with self.subTest(user=user.login):
                other = self._create_in_visit(session, user, self.customer)
                self.assertFalse(other.dms_distributor_id)

    def test_anonymous_visitor_then_login(self):
        session = self._follow_link()
        self.assertIsNone(session.uid)
        public = self.env.ref("base.public_user")
        order = self._create_in_visit(session, public, self.customer)
        self.assertEqual(order.dms_attribution_source, "link")
        # an internal user never, even after following it logged out
        self.assertFalse(
            self._create_in_visit(
                session, self.back_office, self.customer
            ).dms_distributor_id
        )
        # the visitor logs in during the visit: still theirs
        session.uid = self.visitor.id
        order = self._create_in_visit(session, self.visitor, self.visitor.partner_id)
        self.assertEqual(order.dms_distributor_id, self.dist_b)
        session.uid = self.back_office.id
        self.assertFalse(
            self._create_in_visit(
                session, self.back_office, self.customer
            ).dms_distributor_id
        )
