import re

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


class DmsCommon(TransactionCase):
    """A small network: two regions with cells, four tiers, distributors."""

    # clock variants (tests/test_clock.py): the timezone of the user running
    # the tests and of the company, None: as in the database
    dms_user_tz = None
    dms_company_tz = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        if cls.dms_user_tz is not None:
            cls.env.user.tz = cls.dms_user_tz
        if cls.dms_company_tz is not None:
            cls.env.company.partner_id.tz = cls.dms_company_tz
        # demo grids and distributors would compete with the ones built here
        cls.env["dms.grid"].search([]).action_archive()
        cls.env["res.partner"].search([("dms_state", "!=", False)]).action_archive()
        cls.company = cls.env.company
        cls.china = cls.env.ref("base.cn")
        cls.shanghai_state = cls.env.ref("base.state_cn_SH")
        cls.guangdong_state = cls.env.ref("base.state_cn_GD")
        Tier = cls.env["dms.tier"]
        cls.tier_dist = Tier.create(
            {"name": "Distributor", "code": "T_DIST", "sequence": 10}
        )
        cls.tier_senior = Tier.create(
            {
                "name": "Senior",
                "code": "T_SENIOR",
                "sequence": 20,
                "upgrade_threshold": 10000,
                "downgrade_threshold": 5000,
            }
        )
        cls.tier_leader = Tier.create(
            {
                "name": "Leader",
                "code": "T_LEADER",
                "sequence": 30,
                "upgrade_threshold": 50000,
                "downgrade_threshold": 30000,
            }
        )
        cls.tier_partner = Tier.create(
            {
                "name": "City Partner",
                "code": "T_PARTNER",
                "sequence": 40,
                "upgrade_threshold": 200000,
                "downgrade_threshold": 150000,
            }
        )
        Grid = cls.env["dms.grid"]
        cls.grid_east = Grid.create(
            {
                "name": "East",
                "code": "T-EC",
                "level": "region",
                "country_id": cls.china.id,
                "state_ids": [Command.set(cls.shanghai_state.ids)],
            }
        )
        cls.grid_shanghai = Grid.create(
            {
                "name": "Shanghai",
                "code": "T-EC-SH",
                "level": "city",
                "parent_id": cls.grid_east.id,
                "city_names": "Shanghai, 上海",
            }
        )
        cls.grid_pudong = Grid.create(
            {
                "name": "Pudong",
                "code": "T-EC-SH-PD",
                "level": "district",
                "parent_id": cls.grid_shanghai.id,
                "zip_prefixes": "2001, 2012",
            }
        )
        cls.grid_zhangjiang = Grid.create(
            {
                "name": "Zhangjiang",
                "code": "T-EC-SH-PD-ZJ",
                "level": "cell",
                "parent_id": cls.grid_pudong.id,
                "zip_prefixes": "201203",
            }
        )
        cls.grid_lujiazui = Grid.create(
            {
                "name": "Lujiazui",
                "code": "T-EC-SH-PD-LJZ",
                "level": "cell",
                "parent_id": cls.grid_pudong.id,
                "polygon": '{"type": "Polygon", "coordinates": [[[121.49, 31.23], '
                "[121.52, 31.23], [121.52, 31.25], [121.49, 31.25], [121.49, 31.23]]]}",
            }
        )
        cls.grid_south = Grid.create(
            {
                "name": "South",
                "code": "T-SC",
                "level": "region",
                "country_id": cls.china.id,
                "state_ids": [Command.set(cls.guangdong_state.ids)],
            }
        )
        cls.grid_tianhe = Grid.create(
            {
                "name": "Tianhe",
                "code": "T-SC-GZ-TH",
                "level": "cell",
                "parent_id": cls.grid_south.id,
                "zip_prefixes": "5106",
            }
        )
        cls.dist_a = cls._create_distributor(
            "Dist A", "approved", zip_code="200120", tier=cls.tier_partner
        )
        cls.dist_b = cls._create_distributor(
            "Dist B", "approved", zip_code="200122", parent=cls.dist_a
        )
        cls.dist_c = cls._create_distributor(
            "Dist C", "approved", zip_code="200123", parent=cls.dist_b
        )
        cls.dist_south = cls._create_distributor(
            "Dist South",
            "approved",
            zip_code="510620",
            region=cls.guangdong_state,
            city="Guangzhou",
        )

    @classmethod
    def _create_distributor(
        cls,
        name,
        state,
        zip_code=None,
        parent=None,
        tier=None,
        city="Shanghai",
        **extra,
    ):
        vals = {
            "name": name,
            "is_company": True,
            "email": f"{name.lower().replace(' ', '.')}@example.com",
            "country_id": cls.china.id,
            "state_id": extra.pop("region", cls.shanghai_state).id,
            "city": city,
            "zip": zip_code,
            "dms_state": state,
            "dms_parent_id": parent.id if parent else False,
            "dms_tier_id": (tier or cls.tier_dist).id,
        }
        vals.update(extra)
        return cls.env["res.partner"].create(vals)

    @classmethod
    def _grid_user(cls, login, grids, groups="distribution_management.group_dms_user"):
        user = new_test_user(cls.env, login=login, groups=groups)
        user.dms_grid_ids = [Command.set(grids.ids)]
        return user


class DmsPortalMixin:
    """Helpers of the portal tests (to mix into an ``HttpCase``)."""

    CSRF_PATTERNS = (
        re.compile(r'name="csrf_token" value="([^"]+)"'),
        re.compile(r'csrf_token: "([^"]+)"'),
    )

    def _csrf(self, url):
        """A CSRF token of the logged-in session, read from ``url``."""
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        for pattern in self.CSRF_PATTERNS:
            match = pattern.search(page.text)
            if match:
                return match.group(1)
        raise AssertionError(f"No CSRF token in {url}")


# ----------------------------------------------------------------------
# Date-sensitive test classes run again with the clock frozen at 23:30 UTC
# ----------------------------------------------------------------------
UTC_MINUS_8 = "Etc/GMT+8"  # POSIX signs: GMT+8 is eight hours behind UTC
UTC_PLUS_8 = "Asia/Shanghai"
CLOCKS = {
    # name: (UTC moment, tz of the user running the tests, company tz)
    "MonthEndUserMinus8": ("2026-03-31 23:30:00", UTC_MINUS_8, False),
    "MonthEndUserPlus8": ("2026-03-31 23:30:00", UTC_PLUS_8, UTC_PLUS_8),
    "QuarterStartUserMinus8": ("2026-04-01 23:30:00", UTC_MINUS_8, UTC_PLUS_8),
    "QuarterStartUserPlus8": ("2026-04-01 23:30:00", UTC_PLUS_8, False),
}


def _clock_variant(base, module, name, moment, user_tz, company_tz):
    return tagged("post_install", "-at_install", "dms_clock")(
        type(
            f"{base.__name__}{name}",
            (base,),
            {
                "__module__": module,
                "__doc__": f"{base.__name__} at {moment} UTC, user in {user_tz}, "
                f"company in {company_tz or 'UTC'}.",
                # Odoo's loader only takes a class's own methods otherwise
                "allow_inherited_tests_method": True,
                "freeze_time": moment,
                "dms_user_tz": user_tz,
                "dms_company_tz": company_tz,
            },
        )
    )


def add_clock_variants(namespace, classes):
    """Add to a test module's ``namespace`` (its ``globals()``) each class of
    ``classes`` again for every clock of ``CLOCKS`` (tag ``dms_clock``).

    The classes must derive from ``DmsCommon`` (which applies the user's and
    the company's timezone). Import the test module LAST in ``tests/__init__``:
    Odoo runs the classes of a module in the order they were defined."""
    for base in classes:
        for name, (moment, user_tz, company_tz) in CLOCKS.items():
            variant = _clock_variant(
                base, namespace["__name__"], name, moment, user_tz, company_tz
            )
            namespace[variant.__name__] = variant


# ----------------------------------------------------------------------
# The dealer portal on a phone
# ----------------------------------------------------------------------
PHONE_WIDTH_CHECK = """
const width = document.documentElement.scrollWidth;
const screen = window.innerWidth;
if (width > screen) {
    const wide = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > screen + 1)
        .filter((el) => !el.closest(".table-responsive, .overflow-auto"))
        .slice(-3).map((el) => `${el.tagName}.${el.className}`).join(", ");
    const where = `${location.pathname}: ${width}px wide on a ${screen}px phone`;
    console.error(`${where}: ${wide}`);
} else {
    console.log("test successful");
}
"""


class DmsPhoneViewportMixin:
    """Pages of the dealer portal at 390×844 (a common phone) in Chromium, as
    the demo dealer shdealer: the page never scrolls sideways (a table may
    scroll inside its ``table-responsive`` wrapper). Mix into an ``HttpCase``
    tagged ``dms_demo``."""

    browser_size = "390x844"
    touch_enabled = True

    def _check_phone_width(self, paths, login="shdealer"):
        for path in paths:
            with self.subTest(path=path):
                self.browser_js(path, PHONE_WIDTH_CHECK, login=login, timeout=60)
