"""Hostile input on the promotion routes (as distribution_management's
tests/test_input.py does for the core's)."""

import inspect
import re
from urllib.parse import urlencode

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.distribution_management.tests.common import DmsPortalMixin
from odoo.addons.distribution_management.tools.number import MAX_ID

from .test_promotion import DmsPromotionCommon

ADDON_MODULE = "odoo.addons.distribution_management_promotion"
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


def _is_promotion_endpoint(endpoint):
    method = getattr(endpoint, "func", endpoint)
    controller = getattr(method, "__self__", None)
    name = getattr(endpoint, "__name__", None)
    return bool(controller and name) and any(
        cls.__module__.startswith(ADDON_MODULE) and name in cls.__dict__
        for cls in type(controller).__mro__
    )


@tagged("post_install", "-at_install")
class TestPromotionHostileInput(DmsPromotionCommon, DmsPortalMixin, HttpCase):
    """Every promotion route, GET and POST, with hostile values in the URL
    and the form: never a server error, nothing joined."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spend_save.dms_require_opt_in = True
        new_test_user(
            cls.env,
            login="hostile_promo_dealer",
            password="hostile_promo_dealer_pw",
            groups="base.group_portal",
            partner_id=cls.dist_b.id,
        )

    def _rules(self):
        rules = [
            rule
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if _is_promotion_endpoint(rule.endpoint)
        ]
        self.assertGreaterEqual(len(rules), 2)
        return rules

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
        return dict.fromkeys(["join", *names], value)

    def test_every_route_with_hostile_values(self):
        self.authenticate("hostile_promo_dealer", "hostile_promo_dealer_pw")
        csrf = self._csrf("/my/dms/promotions")
        for rule in self._rules():
            for index, value in enumerate(HOSTILE):
                for number in (HOSTILE_IDS[index % len(HOSTILE_IDS)], None):
                    url = self._url(rule, value, number or self.spend_save.id)
                    if rule.methods is None or "GET" in rule.methods:
                        query = urlencode(self._fields(rule, value[:1000]))
                        response = self.url_open(
                            f"{url}?{query}", allow_redirects=False
                        )
                        self.assertLess(response.status_code, 500, f"GET {url}")
                    if rule.methods is None or "POST" in rule.methods:
                        data = dict(self._fields(rule, value), csrf_token=csrf)
                        response = self.url_open(url, data=data, allow_redirects=False)
                        self.assertLess(response.status_code, 500, f"POST {url}")
        # a hostile "join" is no "1": nothing was joined
        self.assertFalse(self.spend_save.dms_optin_partner_ids)
