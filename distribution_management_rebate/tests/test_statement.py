import io
import zipfile
from datetime import date

from lxml import html

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsPortalMixin

from .test_rebate import DmsRebateCommon


class DmsStatementCommon(DmsRebateCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Dist B's receivable: 1,000 before the period; in Q1 2024 an invoice
        # of 6,000, a credit note of 500 and a payment of 2,000
        cls.old_invoice = cls._move(cls.dist_b, 1000, "2023-12-15")
        cls.invoice = cls._move(cls.dist_b, 6000, "2024-01-10")
        cls.refund = cls._move(cls.dist_b, 500, "2024-02-10", move_type="out_refund")
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoice.ids
        ).create({"amount": 2000, "payment_date": "2024-03-05"})._create_payments()
        cls._move(cls.dist_b, 777, "2024-04-02")  # after the period
        cls._move(cls.dist_c, 12000, "2024-01-20")  # another dealer
        cls.program._accrue(date(2024, 3, 31))

    def _statement(self, partner=None, date_from="2024-01-01", date_to="2024-03-31"):
        return self.env["dms.statement"].create(
            {
                "partner_id": (partner or self.dist_b).id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def _expected(self, partner, date_from, date_to):
        """The figures computed independently: every receivable journal item
        of the partner, classified by its entry."""
        lines = self.env["account.move.line"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )
        expected = dict.fromkeys(
            (
                "opening_balance",
                "invoiced_amount",
                "refund_amount",
                "rebate_credit_amount",
                "payment_amount",
                "other_amount",
                "closing_balance",
            ),
            0.0,
        )
        for line in lines:
            if (
                line.move_id.state != "posted"
                or line.account_id.account_type != "asset_receivable"
                or line.date > date_to
            ):
                continue
            expected["closing_balance"] += line.balance
            if line.date < date_from:
                expected["opening_balance"] += line.balance
                continue
            move = line.move_id
            if move.move_type == "out_invoice":
                key = "invoiced_amount"
            elif move.move_type == "out_refund":
                key = (
                    "rebate_credit_amount"
                    if move.dms_rebate_move_kind == "settlement"
                    else "refund_amount"
                )
            elif move.origin_payment_id or move.statement_line_id:
                key = "payment_amount"
            else:
                key = "other_amount"
            expected[key] += line.balance
        return {key: round(value, 2) for key, value in expected.items()}


@tagged("post_install", "-at_install")
class TestStatement(DmsStatementCommon):
    def test_figures_equal_the_general_ledger(self):
        statement = self._statement()
        expected = self._expected(self.dist_b, date(2024, 1, 1), date(2024, 3, 31))
        self.assertEqual(
            expected,
            {
                "opening_balance": 1000.0,
                "invoiced_amount": 6000.0,
                "refund_amount": -500.0,
                "rebate_credit_amount": 0.0,
                "payment_amount": -2000.0,
                "other_amount": 0.0,
                "closing_balance": 4500.0,
            },
        )
        for key, value in expected.items():
            with self.subTest(figure=key):
                self.assertEqual(statement[key], value)
                # the drill-down lists exactly the journal items of the figure
                action = statement.with_context(dms_figure=key).action_view_lines()
                lines = self.env["account.move.line"].search(action["domain"])
                self.assertAlmostEqual(sum(lines.mapped("balance")), value, places=2)
        # rebates of the period, accrued from the general ledger
        self.assertEqual(statement.rebate_ids.partner_id, self.dist_b)
        self.assertEqual(statement.rebate_basis, 5500.0)
        self.assertEqual(statement.rebate_amount, 110.0)
        self.assertEqual(statement.rebate_accrued, 110.0)
        self.assertEqual(statement.rebate_settled, 0.0)

    def test_settled_rebate_and_later_period(self):
        rebate = self.program._ensure_rebates(
            date(2024, 1, 1), date(2024, 3, 31)
        ).filtered(lambda r: r.partner_id == self.dist_b)
        rebate.action_settle()
        credit_note = rebate.settlement_move_id
        day = credit_note.date
        statement = self._statement(date_from="2024-01-01", date_to=str(day))
        expected = self._expected(self.dist_b, date(2024, 1, 1), day)
        self.assertEqual(expected["rebate_credit_amount"], -110.0)
        for key, value in expected.items():
            with self.subTest(figure=key):
                self.assertEqual(statement[key], value)
        self.assertEqual(statement.rebate_settled, 110.0)

    def test_send_generate_and_rights(self):
        statement = self._statement()
        # the dealer form's buttons count what the accountant may open
        self.assertEqual(self.dist_b.with_user(self.accountant).dms_statement_count, 1)
        self.assertEqual(
            self.dist_b.dms_rebate_count,
            self.env["dms.rebate"].search_count([("partner_id", "=", self.dist_b.id)]),
        )
        self.assertTrue(self.dist_b.dms_rebate_count)
        grid_user = self._grid_user("statement_grid_user", self.grid_east)
        with self.assertRaisesRegex(UserError, "Only accountants"):
            statement.with_user(grid_user).action_send()
        self.assertEqual(statement.state, "draft")
        statement.with_user(self.accountant).action_send()
        self.assertEqual(statement.state, "sent")
        self.assertIn(self.dist_b, statement.message_partner_ids)
        with self.assertRaisesRegex(UserError, "Only draft"):
            statement.with_user(self.accountant).action_refresh()
        # the wizard prepares one statement per dealer, keeping existing ones
        wizard = (
            self.env["dms.statement.wizard"]
            .with_user(self.accountant)
            .create(
                {
                    "date_from": "2024-01-01",
                    "date_to": "2024-03-31",
                    "partner_ids": [Command.set((self.dist_b | self.dist_c).ids)],
                }
            )
        )
        action = wizard.action_generate()
        statements = self.env["dms.statement"].search(action["domain"])
        self.assertEqual(len(statements), 2)
        self.assertIn(statement, statements)
        with self.assertRaisesRegex(ValidationError, "end before"):
            self._statement(date_from="2024-03-31", date_to="2024-01-01")
        # grid users read the statements of their grids only
        south = self._statement(partner=self.dist_south)
        visible = self.env["dms.statement"].with_user(grid_user).search([])
        self.assertIn(statement, visible)
        self.assertNotIn(south, visible)
        with self.assertRaises(AccessError):
            south.with_user(grid_user).read(["closing_balance"])

    def test_prepare_skips_dealers_with_nothing(self):
        """Prepare Statements makes none for a dealer with no movement, no
        open balance and no rebate in the period; an open balance alone is
        stated."""
        # a dealer of the accountant's grid with no journal item at all
        nobody = self._create_distributor("Dist Idle", "approved", zip_code="200124")
        self.assertFalse(
            self.env["account.move.line"].search_count(
                [("partner_id", "=", nobody.id), ("parent_state", "=", "posted")]
            )
        )

        def prepare(date_from, date_to, partners=None):
            values = {"date_from": date_from, "date_to": date_to}
            if partners:
                values["partner_ids"] = [Command.set(partners.ids)]
            wizard = (
                self.env["dms.statement.wizard"]
                .with_user(self.accountant)
                .create(values)
            )
            action = wizard.action_generate()
            return self.env["dms.statement"].search(action["domain"])

        dealers = self.dist_b | self.dist_c | nobody
        # the quarter: B and C have movements, the other dealer nothing
        quarter = prepare("2024-01-01", "2024-03-31", dealers)
        self.assertEqual(quarter.partner_id, self.dist_b | self.dist_c)
        # May: no movement, but B and C still owe their open balance
        may = prepare("2024-05-01", "2024-05-31", dealers)
        self.assertEqual(may.partner_id, self.dist_b | self.dist_c)
        self.assertEqual(
            may.filtered(lambda s: s.partner_id == self.dist_c).closing_balance,
            12000.0,
        )
        # every dealer: none for those with nothing
        everyone = prepare("2024-01-01", "2024-03-31")
        self.assertIn(self.dist_b, everyone.partner_id)
        self.assertNotIn(nobody, everyone.partner_id)
        with self.assertRaisesRegex(UserError, "No statement to prepare"):
            prepare("2024-01-01", "2024-03-31", nobody)
        self.assertFalse(
            self.env["dms.statement"].search([("partner_id", "=", nobody.id)])
        )

    def test_exports(self):
        statement = self._statement()
        content = statement._xlsx_content()
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # constant_memory mode writes the strings inline
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("4500", sheet)
        self.assertIn(statement.name, sheet)
        action = statement.action_export_xlsx()
        self.assertTrue(action["url"].startswith("/web/content/"))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "distribution_management_rebate.action_report_dms_statement",
                statement.ids,
            )[0]
            .decode()
        )
        self.assertIn("o_dms_statement_figures", html)
        self.assertIn(statement.name, html)
        # the company's letterhead
        self.assertIn(self.company.name, html)
        report = self.env["dms.rebate.report"].search(
            [("program_id", "=", self.program.id)]
        )
        self.assertTrue(report.action_export_xlsx()["url"].startswith("/web/content/"))
        with zipfile.ZipFile(io.BytesIO(report._xlsx_content())) as archive:
            self.assertIn("xl/worksheets/sheet1.xml", archive.namelist())


@tagged("post_install", "-at_install")
class TestStatementPortal(DmsStatementCommon, DmsPortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_b = new_test_user(
            cls.env,
            login="statement_b",
            password="statement_b_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )
        cls.portal_c = new_test_user(
            cls.env,
            login="statement_c",
            password="statement_c_pw",
            groups="base.group_portal",
            partner_id=cls.dist_c.id,
        )

    def _answer(self, statement, answer, comment=""):
        url = f"/my/dms/statements/{statement.id}"
        data = {"answer": answer, "comment": comment, "csrf_token": self._csrf(url)}
        return self.url_open(f"{url}/answer", data=data)

    def test_dispute_flow(self):
        statement = self._statement()
        draft_url = f"/my/dms/statements/{statement.id}"
        self.authenticate("statement_b", "statement_b_pw")
        # a draft statement is not shown to the dealer
        self.assertEqual(self.url_open(draft_url).status_code, 404)
        statement.action_send()
        page = self.url_open(draft_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_dms_statement_dispute", page.text)
        self.assertIn(statement.name, self.url_open("/my/dms/statements").text)
        # disputing needs a comment: refused, nothing written
        response = self._answer(statement, "dispute")
        self.assertEqual(response.status_code, 400)
        self.assertIn("what is wrong", response.text)
        self.assertEqual(statement.state, "sent")
        response = self._answer(
            statement, "dispute", "The refund of 500 is missing its return."
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dms_statement_answered", response.text)
        self.assertEqual(statement.state, "disputed")
        message = statement.message_ids.filtered(
            lambda m: "refund of 500" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.dist_b)
        self.assertEqual(message.message_type, "comment")
        # answered once: a second answer is refused
        response = self._answer(statement, "confirm")
        self.assertEqual(response.status_code, 400)
        self.assertIn("not waiting for your answer", response.text)
        self.assertEqual(statement.state, "disputed")

    def test_confirm_exports_and_other_dealers(self):
        statement = self._statement()
        statement.action_send()
        self.authenticate("statement_c", "statement_c_pw")
        url = f"/my/dms/statements/{statement.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.url_open(f"{url}?report_type=xlsx").status_code, 404)
        self.assertNotIn(statement.name, self.url_open("/my/dms/statements").text)
        self.assertFalse(self.env["dms.statement"].with_user(self.portal_c).search([]))
        with self.assertRaises(AccessError):
            statement.with_user(self.portal_c).read(["closing_balance"])
        # C posts to B's statement: refused, nothing written
        data = {"answer": "confirm", "csrf_token": self._csrf("/my/dms/statements")}
        response = self.url_open(f"{url}/answer", data=data)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(statement.state, "sent")
        # B downloads and confirms
        self.authenticate("statement_b", "statement_b_pw")
        response = self.url_open(f"{url}?report_type=xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))
        self.assertEqual(self._answer(statement, "confirm").status_code, 200)
        self.assertEqual(statement.state, "confirmed")
        # portal users cannot touch statements directly
        with self.assertRaises(AccessError):
            statement.with_user(self.portal_b).write({"state": "sent"})

    def test_page_shows_the_lines_of_the_pdf(self):
        """The dealer's statement page lists the same movements as the PDF:
        the invoice, the credit note and the payment, with the running
        balance from the opening balance."""
        statement = self._statement()
        statement.action_send()

        def movements(content):
            rows = html.fromstring(content).xpath(
                "//tr[contains(@class, 'o_dms_statement_line')]"
            )
            # what a desktop shows: not the phone's extra cells
            result = []
            for row in rows:
                for extra in row.xpath(".//*[contains(@class, 'd-md-none')]"):
                    extra.drop_tree()
                result.append(
                    [
                        " ".join(td.text_content().replace("\ufeff", "").split())
                        for td in row.xpath("./td")
                    ]
                )
            return result

        pdf = movements(
            self.env["ir.actions.report"]._render_qweb_html(
                "distribution_management_rebate.action_report_dms_statement",
                statement.ids,
            )[0]
        )
        self.authenticate("statement_b", "statement_b_pw")
        page = movements(self.url_open(f"/my/dms/statements/{statement.id}").content)
        self.assertEqual(page, pdf)
        self.assertEqual(
            [row[1] for row in page],
            [
                self.invoice.name,
                self.refund.name,
                self.invoice.matched_payment_ids.move_id.name,
            ],
        )
        self.assertEqual(
            [row[2] for row in page], ["Invoice", "Credit Note", "Payment"]
        )
        # 1,000 + 6,000 - 500 - 2,000
        self.assertIn("4,500.00", page[-1][-1])
        self.assertEqual(statement.closing_balance, 4500.0)

    def test_rebate_progress_page(self):
        self.program.date_start = "2024-01-01"
        self.authenticate("statement_b", "statement_b_pw")
        page = self.url_open("/my/dms/rebates")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_dms_rebate_card", page.text)
        self.assertIn("more to reach 1 %", page.text)
        self.assertIn("o_dms_rebate_progress", page.text)
        # last quarter's rebate, among the earlier periods
        self.assertIn("2024-Q1", page.text)
        rebates = self.env["dms.rebate"].with_user(self.portal_b).search([])
        self.assertEqual(rebates.partner_id, self.dist_b)
