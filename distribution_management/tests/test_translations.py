"""Chinese labels that mean what the field means: a status is 状态, never
the 省/州 of an address, in every add-on of the family installed."""

from odoo.tests import HttpCase, TransactionCase, tagged

CORE = "distribution_management"
ADDRESS_STATE = "省/州"


@tagged("post_install", "-at_install")
class TestTranslationCollisions(TransactionCase):
    """English words with two meanings (State: a status or a province) get
    one translation per msgid in a catalog; the family's labels must pick
    the word whose Chinese is right in context."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modules = (
            cls.env["ir.module.module"]
            .search([("name", "=like", f"{CORE}%"), ("state", "=", "installed")])
            .mapped("name")
        )
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            cls.modules, ["zh_CN"], overwrite=True
        )
        data = cls.env["ir.model.data"].search(
            [("module", "in", cls.modules), ("model", "=", "ir.model.fields")]
        )
        cls.fields_zh = (
            cls.env["ir.model.fields"]
            .browse(data.mapped("res_id"))
            .exists()
            .with_context(lang="zh_CN")
        )

    def test_status_fields_say_status(self):
        """Every state or status selection of the family reads 状态."""
        checked = 0
        for field in self.fields_zh:
            name = field.name
            if field.ttype != "selection" or not (
                name in ("state", "status") or name.endswith(("_state", "_status"))
            ):
                continue
            if name.startswith("activity_"):  # mail's own, translated by mail
                continue
            checked += 1
            with self.subTest(model=field.model, field=name):
                self.assertIn("状态", field.field_description)
                self.assertNotIn("省", field.field_description)
                self.assertNotIn("州", field.field_description)
        self.assertTrue(checked)

    def test_words_with_two_meanings(self):
        """Available stock is 可用, available commission 可结算."""
        zh = self.env(context={"lang": "zh_CN"})
        labels = {
            ("dms.allocation", "available_qty"): "可用",
            ("dms.allocation.wizard", "available_qty"): "可用",
        }
        for (model, name), expected in labels.items():
            if model in self.env:
                with self.subTest(model=model, field=name):
                    field = self.env[model]._fields[name]
                    self.assertEqual(field._description_string(zh), expected)
        if "dms.commission.line" in self.env:
            field = self.env["dms.commission.line"]._fields["state"]
            states = dict(field._description_selection(zh))
            self.assertEqual(states["available"], "可结算")

    def test_address_words_only_on_addresses(self):
        """省/州 labels only a link to a province (res.country.state)."""
        for field in self.fields_zh:
            if ADDRESS_STATE in (field.field_description or ""):
                with self.subTest(model=field.model, field=field.name):
                    self.assertEqual(field.relation, "res.country.state")


@tagged("post_install", "-at_install")
class TestPortalScriptTranslations(HttpCase):
    def test_portal_chatter_speaks_chinese(self):
        """The portal loads mail's translations: a dealer's empty statement
        chatter says 对话内容为空, not "The conversation is empty."."""
        self.env["res.lang"]._activate_lang("zh_CN")
        response = self.url_open("/website/translations/dms?lang=zh_CN")
        self.assertEqual(response.status_code, 200)
        modules = response.json()["modules"]
        self.assertIn("mail", modules)
        self.assertIn(CORE, modules)
        messages = {
            message["id"]: message["string"] for message in modules["mail"]["messages"]
        }
        self.assertEqual(messages.get("The conversation is empty."), "对话内容为空")
