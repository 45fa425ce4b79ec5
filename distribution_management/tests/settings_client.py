"""Opening Settings the way Odoo 18's web client does, for counting its
queries (tests/test_settings_queries.py, benchmarks/settings_queries.py).

Clicking Settings runs, as the user: ``/web/action/load`` of
``base_setup.action_general_configuration``, ``get_views`` of its form and
search views, then ``onchange`` of a new record with the fields of the form
(``default_get`` and the computes of every field), and the two small
``/base_setup`` routes (users to invite, demo data). The fields' spec is the
one the web client's ``getFieldsSpec`` builds: a many2one asks for its
``display_name``, a visible x2many for the fields of its subview.
"""

import contextlib

from lxml import etree

from odoo.tools.safe_eval import safe_eval

ACTION = "base_setup.action_general_configuration"
ALWAYS = ("1", "True")


def fields_spec(node, fields):
    """The spec of the ``<field>`` nodes under ``node`` (not inside a
    subview), ``fields`` being the model's fields as ``get_views`` gives
    them."""
    spec = {}
    for field_node in node.iter("field"):
        if any(parent.tag == "field" for parent in field_node.iterancestors()):
            continue
        name = field_node.get("name")
        ftype = fields.get(name, {}).get("type")
        visible = field_node.get("invisible") not in ALWAYS
        entry = spec.setdefault(name, {})
        if ftype in ("many2one", "reference"):
            entry["fields"] = {"display_name": {}} if visible else {}
        elif ftype in ("one2many", "many2many") and visible:
            subview = next(iter(field_node), None)
            entry["fields"] = (
                fields_spec(subview, {}) if subview is not None else {}
            ) or {"display_name": {}}
    return spec


def open_settings(env, step=contextlib.nullcontext):
    """Open Settings as ``env.user``: the action, the views, the onchange of
    a new record, the ``/base_setup`` routes, each with an empty record
    cache as in its own request, each inside ``step(label)`` (a context
    manager: the benchmark counts and times the steps). Returns the values
    of the onchange."""
    with step("action"):
        env.invalidate_all()
        action = env["ir.actions.act_window"].sudo().browse(env.ref(ACTION).id)
        action = action._get_action_dict()
    context = safe_eval(action.get("context") or "{}")
    settings = env[action["res_model"]].with_context(**context)
    with step("views"):
        env.invalidate_all()
        views = settings.get_views(
            [(False, "form"), (False, "search")],
            {"action_id": action["id"], "load_filters": True},
        )
    fields = views["models"][settings._name]["fields"]
    spec = fields_spec(etree.fromstring(views["views"]["form"]["arch"]), fields)
    with step("onchange"):
        env.invalidate_all()
        values = settings.onchange({}, [], spec)["value"]
    with step("base_setup"):
        env.invalidate_all()
        env["res.users"].browse()._action_show()  # /base_setup/data
        env["ir.module.module"].search_count([("demo", "=", True)])
    return values
