"""The family of add-ons: one application, each capability installable from
Settings, no add-on reaching into a sibling it does not depend on."""

import ast
import io
import re
import tokenize
from pathlib import Path

from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open

CORE = "distribution_management"
IMPORT = re.compile(r"odoo\.addons\.(distribution_management\w*)")


@tagged("post_install", "-at_install")
class TestFamily(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.family = cls.env["ir.module.module"].search([("name", "=like", f"{CORE}%")])
        cls.manifests = {name: get_manifest(name) for name in cls.family.mapped("name")}

    def _depends(self, name):
        """The add-ons ``name`` depends on, transitively, itself included."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += (get_manifest(current) or {}).get("depends", [])
        return seen

    def test_one_application(self):
        applications = [n for n, m in self.manifests.items() if m.get("application")]
        self.assertEqual(applications, [CORE])
        for name, manifest in self.manifests.items():
            with self.subTest(addon=name):
                self.assertTrue(manifest.get("summary"))
                self.assertEqual(manifest["license"], "LGPL-3")
                self.assertIn(CORE, self._depends(name))
                self.assertTrue(
                    Path(get_module_path(name), "README.rst").exists(), name
                )
                self.assertTrue(
                    Path(get_module_path(name), "i18n", "zh_CN.po").exists(), name
                )

    def test_capabilities_offered_in_settings(self):
        """Every capability (an add-on not installed automatically) is a
        checkbox of the Distribution settings, which installs it."""
        Settings = self.env["res.config.settings"]
        arch = self.env.ref(f"{CORE}.res_config_settings_view_form").arch
        for name, manifest in self.manifests.items():
            if name == CORE or manifest.get("auto_install"):
                continue
            with self.subTest(addon=name):
                field = f"module_{name}"
                self.assertIn(field, Settings._fields)
                self.assertIn(f'name="{field}"', arch)
        # the form of a user who may configure the app shows them
        form = Settings.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn(f"module_{CORE}_commission", form)

    def test_no_import_of_a_sibling_outside_dependencies(self):
        """An add-on imports Python only from the add-ons it depends on."""
        for name in self.manifests:
            allowed = self._depends(name)
            root = Path(get_module_path(name))
            for path in root.rglob("*.py"):
                with file_open(str(path)) as handle:
                    source = handle.read()
                tree = ast.parse(source)
                for node in ast.walk(tree):
                    modules = []
                    if isinstance(node, ast.ImportFrom) and node.module:
                        modules = [node.module]
                    elif isinstance(node, ast.Import):
                        modules = [alias.name for alias in node.names]
                    for module in modules:
                        match = IMPORT.match(module)
                        if match:
                            with self.subTest(addon=name, file=path.name):
                                self.assertIn(match.group(1), allowed, module)

    def test_no_addon_too_big(self):
        """No add-on over 3,000 lines of Python code (tests and migrations
        left out; blank lines, comments and docstrings are not code). The
        core is the largest (about 2,900)."""
        for name in self.manifests:
            root = Path(get_module_path(name))
            lines = 0
            for path in root.rglob("*.py"):
                parts = path.relative_to(root).parts
                if "tests" in parts or "migrations" in parts:
                    continue
                with file_open(str(path)) as handle:
                    lines += code_lines(handle.read())
            with self.subTest(addon=name):
                self.assertLessEqual(lines, 3000)


def code_lines(source):
    """Lines of ``source`` holding code: neither blank, nor comment, nor
    docstring."""
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = set()
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)
