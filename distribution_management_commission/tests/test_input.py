"""Hostile input on the commission add-on: XLSX text, workflow states
changed only by their actions, the portal routes with hostile values."""

import inspect
import io
import re
from datetime import date
from urllib.parse import urlencode

import openpyxl

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.models.ir_http import _is_our_endpoint
from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management.tools.number import MAX_ID

from .test_commission import DmsCommissionCommon

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "http://example.com/x",
]


@tagged("post_install", "-at_install")
class TestXlsxText(DmsCommissionCommon):
    """The ledger export stores user text as text, never as a formula."""

    def _cells(self, content):
        book = openpyxl.load_workbook(io.BytesIO(content))
        return [cell for sheet in book for row in sheet.iter_rows() for cell in row]

    def _assert_text(self, content, texts):
        cells = {cell.value: cell for cell in self._cells(content) if cell.value}
        for text in texts:
            with self.subTest(text=text):
                self.assertIn(text, cells)
                self.assertEqual(cells[text].data_type, "s")
                self.assertIsNone(cells[text].hyperlink)

    def test_export_wizard(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "Sale", "quantity": 1, "price_unit": 100})
                ],
            }
        )
        self.dist_b.name = FORMULAS[0]
        self.env["dms.commission.line"].create(
            {
                "beneficiary_id": self.dist_b.id,
                "distributor_id": self.dist_b.id,
                "level": 1,
                "move_id": invoice.id,
                "move_line_id": invoice.invoice_line_ids[0].id,
                "base_amount": 100.0,
                "rate": 1.0,
                "amount": 1.0,
                "currency_id": self.company.currency_id.id,
                "company_id": self.company.id,
                "date": date(2024, 1, 10),
                "state": "available",
            }
        )
        wizard = self.env["dms.export.wizard"].create({"kind": "commission"})
        wizard.action_export()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self._assert_text(attachment.raw, [FORMULAS[0]])


# reads some records of the demo data (tag dms_demo: left out without it)
@tagged("post_install", "-at_install", "dms_demo")
class TestStateGuard(DmsCommissionCommon):
    """Workflow states are changed by their actions only: a manager's direct
    write or create of a state is refused."""

    GUARDED = {
        "dms.settlement": ["state"],
        "dms.withdrawal": ["decision", "state"],
        "dms.commission.line": ["state"],
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="dms_state_manager",
            groups=",".join(
                [
                    "distribution_management.group_dms_manager",
                    "sales_team.group_sale_manager",
                    "account.group_account_manager",
                ]
            ),
        )

    def _record(self, model):
        # the demo data holds one of each
        record = self.env[model].search([], limit=1)
        self.assertTrue(record, f"no {model} to test (demo data installed?)")
        return record

    def _other_value(self, record, fname):
        field = record._fields[fname]
        values = [v for v, _l in field._description_selection(self.env)]
        return next(v for v in values if v != record[fname])

    def test_direct_writes_refused(self):
        for model, fnames in self.GUARDED.items():
            record = self._record(model)
            for fname in fnames:
                value = self._other_value(record, fname)
                with self.subTest(model=model, field=fname, value=value):
                    before = record[fname]
                    as_manager = record.with_user(self.manager)
                    # the ledger is written by no one: the access rights say so
                    writable = as_manager.has_access("write")
                    with self.assertRaisesRegex(
                        UserError,
                        "changes only through" if writable else "not allowed to modify",
                    ):
                        as_manager.write({fname: value})
                    record.invalidate_recordset()
                    self.assertEqual(record[fname], before)
                    if writable:
                        # writing the state it already has changes nothing
                        as_manager.write({fname: before})

    def test_direct_creates_refused(self):
        for model, fnames in self.GUARDED.items():
            Model = self.env[model]
            count = Model.search_count([])
            for fname in fnames:
                initial = Model._dms_initial_states(fname)
                value = next(
                    v
                    for v, _l in Model._fields[fname]._description_selection(self.env)
                    if v not in initial
                )
                with self.subTest(model=model, field=fname, value=value):
                    with self.assertRaises(UserError):  # AccessError is one too
                        Model.with_user(self.manager).create(
                            {"name": "Forged", fname: value}
                        )
                    # nor through a default of the context
                    with self.assertRaises(UserError):  # AccessError is one too
                        Model.with_user(self.manager).with_context(
                            **{f"default_{fname}": value}
                        ).create({"name": "Forged"})
            self.assertEqual(Model.search_count([]), count, model)


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
# form fields the commission controller reads; each gets the hostile value
FIELD_NAMES = ["amount", "page"]


@tagged("post_install", "-at_install")
class TestHostileInput(DmsCommissionCommon, DmsPortalMixin, HttpCase):
    """Every route of the commission add-on, GET and POST, with hostile
    values in the URL and the form: never a server error, nothing written."""

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

    def _rules(self):
        rules = [
            rule
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if _is_our_endpoint(rule.endpoint)
            and rule.rule.startswith("/my/dms/commission")
        ]
        self.assertGreaterEqual(len(rules), 3)
        return rules

    def _counts(self):
        models = [
            "dms.commission.line",
            "dms.settlement",
            "dms.withdrawal",
            "account.move",
        ]
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
        return dict.fromkeys(FIELD_NAMES + names, value)

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
        self.authenticate("hostile_dealer", "hostile_dealer_pw")
        csrf = self._csrf("/my/dms")
        for rule in rules:
            self._send(rule, csrf)
        self.assertEqual(self._counts(), before)

    def test_amounts_and_quantities(self):
        self.authenticate("hostile_dealer", "hostile_dealer_pw")
        csrf = self._csrf("/my/dms")
        before = self._counts()
        for value in ("1e308", "nan", "inf", "-0", "9" * 400, "1,5", "-1", "0x10"):
            with self.subTest(value=value):
                for url, data in (("/my/dms/commission/withdraw", {"amount": value}),):
                    response = self.url_open(
                        url, data=dict(data, csrf_token=csrf), allow_redirects=False
                    )
                    self.assertEqual(response.status_code, 400, (url, value))
        self.assertEqual(self._counts(), before)
