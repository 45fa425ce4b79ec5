"""Hostile input on the commission add-on: workflow states changed only
by their actions, the portal routes with hostile values."""

import inspect
import re
from urllib.parse import urlencode

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.models.ir_http import _is_our_endpoint
from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management.tests.state_guard import StateGuardMixin
from odoo.addons.distribution_management.tools.number import MAX_ID

from .test_commission import DmsCommissionCommon


# reads some records of the demo data (tag dms_demo: left out without it)
@tagged("post_install", "-at_install", "dms_demo")
class TestStateGuard(StateGuardMixin, DmsCommissionCommon):
    """Workflow states are changed by their actions only: a manager's direct
    write or create of a state is refused."""

    GUARDED = {
        "dms.settlement": ["state"],
        "dms.withdrawal": ["decision", "state"],
        "dms.commission.line": ["state"],
    }


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
