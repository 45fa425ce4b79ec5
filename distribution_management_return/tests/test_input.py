"""Hostile input on the return routes and direct writes of the return
states (as distribution_management's tests/test_input.py does for the
core's)."""

import inspect
import re
from urllib.parse import urlencode

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management.tests.state_guard import StateGuardMixin
from odoo.addons.distribution_management.tools.number import MAX_ID

from .test_return import DmsReturnCommon

ADDON_MODULE = "odoo.addons.distribution_management_return"
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
# form fields the return routes read; each gets the hostile value
FIELD_NAMES = ["reason", "request_type", "access_token", "submitted"]


def _is_return_endpoint(endpoint):
    method = getattr(endpoint, "func", endpoint)
    controller = getattr(method, "__self__", None)
    name = getattr(endpoint, "__name__", None)
    return bool(controller and name) and any(
        cls.__module__.startswith(ADDON_MODULE) and name in cls.__dict__
        for cls in type(controller).__mro__
    )


@tagged("post_install", "-at_install")
class TestReturnStateGuard(StateGuardMixin, DmsReturnCommon):
    """The state of a return request changes through its actions only."""

    GUARDED = {"dms.return.request": ["state"]}
    MANAGER_GROUPS = ("stock.group_stock_manager",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.return_request = cls._request_of(cls.order)

    def _record(self, model):
        return self.return_request

    @classmethod
    def _request_of(cls, order):
        return cls.env["dms.return.request"].create(
            {
                "sale_order_id": order.id,
                "reason": "Damaged",
                "line_ids": [
                    Command.create({"sale_line_id": order.order_line.id, "quantity": 1})
                ],
            }
        )

    def test_initial_states(self):
        initial = self.env["dms.return.request"]._dms_initial_states("state")
        self.assertEqual(initial, {False, "draft"})

    def test_copies_start_over(self):
        request = self.return_request.with_user(self.manager)
        request.action_submit()
        self.assertEqual(request.copy().state, "draft")

    def test_actions_still_work_as_manager(self):
        request = self.return_request.with_user(self.manager)
        request.action_submit()
        request.action_reject("Not ours")
        self.assertEqual(request.state, "rejected")


@tagged("post_install", "-at_install")
class TestReturnHostileInput(DmsReturnCommon, DmsPortalMixin, HttpCase):
    """Every return route, GET and POST, with hostile values in the URL and
    the form: never a server error, nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dealer_user = new_test_user(
            cls.env,
            login="hostile_return_dealer",
            password="hostile_return_dealer_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )

    def _rules(self):
        rules = [
            rule
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if _is_return_endpoint(rule.endpoint)
        ]
        self.assertGreaterEqual(len(rules), 4)
        return rules

    def _counts(self):
        models = ["dms.return.request", "dms.return.request.line"]
        models += ["sale.order", "stock.picking", "account.move"]
        self.env.invalidate_all()
        return {name: self.env[name].sudo().search_count([]) for name in models}

    def _url(self, rule, value, number):
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
        data[f"qty_{self.order.order_line.id}"] = value
        data[f"qty_{value[:30]}"] = "1"
        return data

    def _send(self, rule, csrf, number=None):
        for index, value in enumerate(HOSTILE):
            url = self._url(
                rule, value, number or HOSTILE_IDS[index % len(HOSTILE_IDS)]
            )
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
        self.authenticate("hostile_return_dealer", "hostile_return_dealer_pw")
        csrf = self._csrf("/my/dms")
        for rule in self._rules():
            self._send(rule, csrf)
            # and on the dealer's own order
            self._send(rule, csrf, number=self.order.id)
        self.assertEqual(self._counts(), before)

    def test_quantities(self):
        self.authenticate("hostile_return_dealer", "hostile_return_dealer_pw")
        csrf = self._csrf("/my/dms")
        before = self._counts()
        for value in ("1e308", "nan", "inf", "-0", "9" * 400, "1,5", "-1", "0x10"):
            with self.subTest(value=value):
                response = self.url_open(
                    f"/my/orders/{self.order.id}/return",
                    data={
                        "request_type": "return",
                        "reason": "Broken",
                        f"qty_{self.order.order_line.id}": value,
                        "csrf_token": csrf,
                    },
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 400, value)
        self.assertEqual(self._counts(), before)
