"""Opening Settings stays cheap with the whole family installed (issue 13:
261 queries warm, 2.4 s). Run in the full-family suite (scripts/test.sh),
post_install, it measures every add-on installed; alone it measures the core
on its dependencies, under the same budget."""

from odoo.tests import TransactionCase, tagged

from .settings_client import open_settings

BUDGET = 120


@tagged("post_install", "-at_install")
class TestSettingsQueries(TransactionCase):
    def test_open_settings_queries(self):
        """The action, the views, the onchange and the /base_setup routes of
        opening Settings as the administrator, warm, in at most 120 queries
        (about 40 with the family; 300 before the chart templates were
        cached)."""
        env = self.env(user=self.env.ref("base.user_admin"))
        values = open_settings(env)  # warm the registry caches
        self.assertIn("dms_max_depth", values)
        with self.assertQueryCount(BUDGET):
            open_settings(env)

    def test_chart_templates_cached_right(self):
        """The cached chart templates are those account computes: the same
        choices as computed afresh, a module's state is part of the key, and
        a change to a value read does not reach the cache."""
        field = self.env["res.config.settings"]._fields["chart_template"]
        Module = self.env["ir.module.module"]
        cached = field._description_selection(self.env)
        self.env.registry.clear_cache()
        self.env.invalidate_all()
        self.assertEqual(field._description_selection(self.env), cached)
        self.assertGreater(len(cached), 1)

        modules = Module.search([])
        module = modules.filtered(
            lambda m: m.state == "uninstalled" and m.account_templates
        )[:1]
        if not module:
            self.skipTest("no chart of accounts left to install")
        code = next(iter(module.account_templates))
        module.account_templates[code]["name"] = "changed"
        self.env.invalidate_all()
        self.assertNotEqual(module.account_templates[code]["name"], "changed")
        self.assertFalse(module.account_templates[code]["installed"])
        module.state = "installed"  # rolled back with the test
        self.env.invalidate_all()
        self.assertTrue(module.account_templates[code]["installed"])
