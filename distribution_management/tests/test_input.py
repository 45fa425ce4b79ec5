"""Hostile and foreign input: numbers in the user's language, text that
looks like a formula, files that unpack to too much, NUL bytes and absurd
values in every route, direct writes of workflow states."""

import inspect
import io
import re
from urllib.parse import urlencode

import xlsxwriter

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from ..models.ir_http import _is_our_endpoint
from ..tools.number import MAX_ID, NumberError, format_number, parse_id, parse_number
from ..tools.xlsx import new_workbook, write_cell
from .common import DmsPortalMixin
from .state_guard import StateGuardMixin
from .test_sale import DmsSaleCommon
from .xlsx import FORMULAS, XlsxTextMixin


def xlsx_file(rows):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            sheet.write(row_index, column, value)
    workbook.close()
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestNumberParsing(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("fr_FR", "zh_CN"):
            cls.env["res.lang"]._activate_lang(code)

    def _parse(self, lang, raw, **kwargs):
        return parse_number(self.env(context={"lang": lang}), raw, **kwargs)

    def test_separators_of_each_language(self):
        # None: refused, never guessed
        expected = {
            "en_US": {
                "1,5": None,
                "1.5": 1.5,
                "1,234.5": 1234.5,
                "1 234,5": None,
                "1.234,5": None,
                "12,345,678.25": 12345678.25,
            },
            "zh_CN": {
                "1,5": None,
                "1.5": 1.5,
                "1,234.5": 1234.5,
                "1 234,5": None,
                "1.234,5": None,
                "１．５": 1.5,  # full-width digits and point
            },
            "fr_FR": {
                "1,5": 1.5,
                "1.5": None,
                "1,234.5": None,
                "1 234,5": 1234.5,
                "1\xa0234,5": 1234.5,
                "1.234,5": None,
            },
        }
        for lang, cases in expected.items():
            for raw, value in cases.items():
                with self.subTest(lang=lang, raw=raw):
                    if value is None:
                        with self.assertRaises(ValidationError):
                            self._parse(lang, raw)
                    else:
                        self.assertEqual(self._parse(lang, raw), value)

    def test_garbage_and_absurd_values(self):
        for raw in ("", " ", "abc", "nan", "inf", "-inf", "1e308", "1e5", "0x10",
                    "1\x00", "1..5", "1.5.5", "--1", "١٢", "9" * 50, None, True,
                    float("nan"), float("inf")):  # fmt: skip
            with self.subTest(raw=raw), self.assertRaises(NumberError):
                self._parse("en_US", raw)
        with self.assertRaisesRegex(ValidationError, "too large") as caught:
            self._parse("en_US", "1000000000001")
        self.assertEqual(caught.exception.reason, "too_large")
        with self.assertRaisesRegex(ValidationError, "too large"):
            self._parse("en_US", 10**400)
        with self.assertRaisesRegex(ValidationError, "too large"):
            self._parse("en_US", 1e308)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._parse("en_US", "-0")
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._parse("en_US", -2.0)
        self.assertEqual(self._parse("en_US", "-2.5", allow_negative=True), -2.5)
        with self.assertRaisesRegex(ValidationError, "too many decimals"):
            self._parse("en_US", "1.005", digits=2)
        self.assertEqual(self._parse("en_US", "1.500", digits=2), 1.5)
        self.assertEqual(self._parse("en_US", 2.25, digits=2), 2.25)
        with self.assertRaisesRegex(ValidationError, "too many decimals"):
            self._parse("en_US", 2.125, digits=2)

    def test_messages_in_the_users_language(self):
        with self.assertRaises(NumberError) as caught:
            self._parse("fr_FR", "1.5")
        # the example is written the French way
        self.assertEqual(caught.exception.example, "1\xa0234,5")
        self.assertIn("1\xa0234,5", caught.exception.args[0])

    def test_format_reads_back(self):
        for lang in ("en_US", "zh_CN", "fr_FR"):
            env = self.env(context={"lang": lang})
            for value in (0.0, 1.5, 1234.5, 1000000.0, 0.001, 12.25):
                with self.subTest(lang=lang, value=value):
                    self.assertEqual(
                        parse_number(env, format_number(env, value)), value
                    )
        self.assertEqual(format_number(self.env(context={"lang": "fr_FR"}), 2.5), "2,5")

    def test_ids(self):
        self.assertEqual(parse_id("42"), 42)
        for raw in ("", "0", "-1", "4.2", "²", "٣", str(MAX_ID + 1), "9" * 30, None):
            with self.subTest(raw=raw):
                self.assertIsNone(parse_id(raw))


@tagged("post_install", "-at_install")
class TestXlsxText(XlsxTextMixin, TransactionCase):
    """Every XLSX the family writes goes through the core's workbook: user
    text is stored as text, never as a formula or a link."""

    def test_text_stays_text(self):
        buffer = io.BytesIO()
        book = new_workbook(buffer, {"strings_to_formulas": True})
        sheet = book.add_worksheet()
        for row, text in enumerate(FORMULAS):
            sheet.write(row, 0, text)
            write_cell(sheet, row, 1, "=" + text)
        sheet.write_row(len(FORMULAS), 0, ["-" + text for text in FORMULAS])
        book.close()
        self._assert_text(
            buffer.getvalue(),
            FORMULAS
            + ["=" + text for text in FORMULAS]
            + ["-" + text for text in FORMULAS],
        )


# reads some records of the demo data (tag dms_demo: left out without it)
@tagged("post_install", "-at_install", "dms_demo")
class TestStateGuard(StateGuardMixin, DmsSaleCommon):
    """Workflow states are changed by their actions only: a manager's direct
    write or create of a state is refused, the actions keep working."""

    GUARDED = {
        "res.partner": ["dms_state"],
        "dms.document": ["review_state"],
    }

    def _record(self, model):
        if model == "res.partner":
            return self.dist_b
        # the demo data holds one of each of the others
        record = self.env[model].search([], limit=1)
        self.assertTrue(record, f"no {model} to test (demo data installed?)")
        return record

    def test_approval_by_create_or_import_refused(self):
        Partner = self.env["res.partner"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "changes only through"):
            Partner.create({"name": "Self-approved", "dms_state": "approved"})
        result = Partner.load(["name", "dms_state"], [["Imported", "approved"]])
        self.assertFalse(result["ids"])
        self.assertFalse(
            Partner.search([("name", "in", ("Imported", "Self-approved"))])
        )
        # a context key from RPC is only a string: it unlocks nothing
        with self.assertRaisesRegex(UserError, "changes only through"):
            self.dist_c.with_user(self.manager).with_context(
                dms_state_action=True
            ).write({"dms_state": "suspended"})

    def test_copies_start_over(self):
        document = self.env["dms.document"].search(
            [("review_state", "=", "accepted")], limit=1
        )
        self.assertTrue(document, "no accepted document (demo data installed?)")
        copy = document.with_user(self.manager).copy()
        self.assertNotEqual(copy.review_state, "accepted")

    def test_actions_still_work_as_manager(self):
        env = self.env(user=self.manager)
        partner = env["res.partner"].create({"name": "New Dealer", "email": "n@x.cn"})
        partner.action_dms_make_distributor()
        partner.action_dms_submit()
        self.assertEqual(partner.dms_state, "submitted")
        partner._dms_apply_transition("rejected", "Incomplete")
        partner.action_dms_reset_to_draft()
        self.assertEqual(partner.dms_state, "draft")
        self.dist_b.with_user(self.manager)._dms_apply_transition(
            "suspended", "Late payments"
        )
        self.assertEqual(self.dist_b.dms_state, "suspended")
        self.dist_b.with_user(self.manager).action_dms_reactivate()
        self.assertEqual(self.dist_b.dms_state, "approved")
        document = env["dms.document"].search(
            [("review_state", "=", "accepted")], limit=1
        )
        if document:
            document.action_reset()
            document.action_refuse()
            self.assertEqual(document.review_state, "refused")


HOSTILE = [
    "1e308",
    "nan",
    "-inf",
    "-0",
    "9" * 40,
    "\x00",
    "1\x00",
    "x" * 5000,
    "１,5",
    "=1+1",
]
HOSTILE_IDS = [999999999, MAX_ID + 1, 10**20]
# form fields our controllers read; each gets the hostile value
FIELD_NAMES = [
    "amount",
    "search",
    "page",
    "reason",
    "request_type",
    "comment",
    "answer",
    "join",
    "report_type",
    "download",
    "access_token",
    "referral_code",
    "company_name",
    "contact_name",
    "email",
    "phone",
    "vat",
    "country_id",
    "state_id",
    "city",
    "street",
    "zip",
    "message",
    "submitted",
    "requested",
    "reported",
    "answered",
]


@tagged("post_install", "-at_install")
class TestHostileInput(DmsSaleCommon, DmsPortalMixin, HttpCase):
    """Every route of the add-on, GET and POST, with hostile values in the
    URL and the form: never a server error, nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dealer_user = new_test_user(
            cls.env,
            login="hostile_dealer",
            password="hostile_dealer_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )
        cls.dist_b.dms_referral_code = "HOSTILE1"

    def _rules(self):
        rules = [
            rule
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if _is_our_endpoint(rule.endpoint)
        ]
        # the core's own routes (each add-on checks its own the same way)
        self.assertGreaterEqual(len(rules), 7)
        return rules

    def _counts(self):
        models = [
            name
            for name, model in self.env.registry.items()
            if name.startswith("dms.") and not model._abstract and not model._transient
        ]
        models += ["sale.order", "sale.order.line", "res.partner", "account.move"]
        self.env.invalidate_all()
        return {name: self.env[name].sudo().search_count([]) for name in models}

    def _url(self, rule, value, number):
        """The rule's URL with ``value`` in its string arguments and the
        hostile id ``number`` in its integer arguments."""

        def fill(match):
            if match.group(1) == "int":
                return str(number)
            return re.sub(r"[^A-Za-z0-9]", lambda c: f"%{ord(c.group()):02X}", value)

        return re.sub(r"<(?:(\w+):)?\w+>", fill, rule.rule)

    def _fields(self, rule, value):
        method = getattr(rule.endpoint, "func", rule.endpoint)
        names = [
            name
            for name, parameter in inspect.signature(method).parameters.items()
            if parameter.kind is parameter.POSITIONAL_OR_KEYWORD
            and name not in rule.arguments
        ]
        data = dict.fromkeys(FIELD_NAMES + names, value)
        for product in self.products[:3]:
            data[f"qty_{product.id}"] = value
        data[f"doc_expiry_{1}"] = value
        data[f"qty_{value[:30]}"] = "1"
        return data

    def _send(self, rule, csrf):
        for index, value in enumerate(HOSTILE):
            # each hostile id in turn: every one meets every route
            url = self._url(rule, value, HOSTILE_IDS[index % len(HOSTILE_IDS)])
            if rule.methods is None or "GET" in rule.methods:
                query = urlencode(self._fields(rule, value[:1000]))
                response = self.url_open(f"{url}?{query}", allow_redirects=False)
                self.assertLess(response.status_code, 500, f"GET {url} {value!r}")
            if rule.methods is None or "POST" in rule.methods:
                data = dict(self._fields(rule, value), csrf_token=csrf)
                response = self.url_open(url, data=data, allow_redirects=False)
                self.assertLess(response.status_code, 500, f"POST {url} {value[:20]!r}")

    def test_every_route_with_hostile_values(self):
        before = self._counts()
        rules = self._rules()
        # as the public: the public routes
        self.authenticate(None, None)
        csrf = self._csrf("/dms/apply")
        for rule in rules:
            if rule.endpoint.routing["auth"] == "public":
                self._send(rule, csrf)
        # as a dealer: every route
        self.authenticate("hostile_dealer", "hostile_dealer_pw")
        csrf = self._csrf("/my/dms")
        for rule in rules:
            self._send(rule, csrf)
        self.assertEqual(self._counts(), before)

    def test_nul_and_long_values_are_a_bad_request(self):
        self.authenticate(None, None)
        for url in ("/dms/r/%00", "/dms/r/HOSTILE1%00", "/dms/apply?referral_code=%00"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 400)
        self.assertEqual(self.url_open("/dms/r/" + "A" * 5000).status_code, 404)
        self.assertEqual(self.url_open("/dms/r/HOSTILE1").status_code, 200)
        before = self._counts()
        csrf = self._csrf("/dms/apply")
        response = self.url_open(
            "/dms/apply",
            data={
                "csrf_token": csrf,
                "company_name": "Nul\x00 Co",
                "contact_name": "Li",
                "email": "li@example.com",
                "phone": "123",
                "vat": "91310000MA1FL0NUL",
                "country_id": str(self.china.id),
                "city": "Shanghai",
                "street": "Road 1",
            },
        )
        self.assertEqual(response.status_code, 400)
        # a file where text is expected, a file named with a NUL
        for files in (
            {"email": ("x.pdf", b"%PDF-1.4", "application/pdf")},
            {"doc_file_1": ("x\x00.pdf", b"%PDF-1.4", "application/pdf")},
        ):
            response = self.url_open(
                "/dms/apply", data={"csrf_token": csrf}, files=files
            )
            self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)

    def test_quick_order_in_the_dealers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        Order = self.env["sale.order"]
        juice = self.juice.id
        for lang, typed, quantity in (
            ("fr_FR", "1,5", 1.5),
            ("fr_FR", "1 234,5", 1234.5),
            ("en_US", "1.5", 1.5),
            ("en_US", "1,234.5", 1234.5),
            ("en_US", "1,5", None),
            ("fr_FR", "1.5", None),
        ):
            with self.subTest(lang=lang, typed=typed):
                self.dealer_user.lang = lang
                self.authenticate("hostile_dealer", "hostile_dealer_pw")
                csrf = self._csrf("/my/dms")
                orders = Order.search([])
                response = self.url_open(
                    "/my/dms/order",
                    data={"csrf_token": csrf, f"qty_{juice}": typed},
                    allow_redirects=False,
                )
                new = Order.search([]) - orders
                if quantity is None:
                    self.assertEqual(response.status_code, 400)
                    self.assertIn("is not a quantity", response.text)
                    self.assertFalse(new)
                else:
                    self.assertEqual(response.status_code, 303, response.text[-500:])
                    self.assertEqual(new.order_line.product_uom_qty, quantity)

    def test_amounts_and_quantities(self):
        self.authenticate("hostile_dealer", "hostile_dealer_pw")
        csrf = self._csrf("/my/dms")
        before = self._counts()
        juice = self.juice.id
        for value in ("1e308", "nan", "inf", "-0", "9" * 400, "1,5", "-1", "0x10"):
            with self.subTest(value=value):
                for url, data in (("/my/dms/order", {f"qty_{juice}": value}),):
                    response = self.url_open(
                        url, data=dict(data, csrf_token=csrf), allow_redirects=False
                    )
                    self.assertEqual(response.status_code, 400, (url, value))
        self.assertEqual(self._counts(), before)


@tagged("post_install", "-at_install")
class TestNulOverRpc(DmsSaleCommon):
    """NUL characters written by RPC, import or a form: a ValidationError that
    names the field, nothing written, on Odoo's models as on the add-on's."""

    def test_nul_refused_everywhere(self):
        grid_user = self._grid_user("nul_grid_user", self.grid_east)
        partner = self.dist_b
        cases = [
            (partner.with_user(grid_user), "write", {"name": "Bad\x00name"}),
            (self.env["res.partner"], "create", {"name": "New\x00partner"}),
            (self.grid_east, "write", {"name": "East\x00"}),
            (self.env["dms.grid"], "create", {"name": "X\x00", "code": "NUL-1"}),
        ]
        for records, method, vals in cases:
            with self.subTest(model=records._name, method=method):
                count = records.search_count([])
                with self.assertRaisesRegex(ValidationError, "NUL character"):
                    getattr(records, method)(vals)
                self.assertEqual(records.search_count([]), count)
        self.assertEqual(partner.name, "Dist B")
        # a NUL-free text is stored as usual
        partner.with_user(grid_user).write({"comment": "fine"})
