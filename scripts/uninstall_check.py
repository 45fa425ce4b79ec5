# Run by scripts/test.sh (UNINSTALL=1) in "odoo shell", twice: PHASE=uninstall
# uninstalls the add-ons of $ADDONS and notes the models they created;
# PHASE=check (a new shell, the new registry) checks that those models and
# their columns are gone and that the database still works.
# ruff: noqa: F821  (env is given by odoo shell)
import json
import os
import sys

addons = os.environ["ADDONS"].split(",")
state_file = os.environ["UNINSTALL_STATE"]
if os.environ["PHASE"] == "uninstall":
    modules = env["ir.module.module"].search([("name", "in", addons)])
    assert set(modules.mapped("state")) == {"installed"}, modules.mapped("state")
    models = (
        env["ir.model"]
        .search([])
        .filtered(lambda model: set(model.modules.split(", ")) <= set(addons))
    )
    data = env["ir.model.data"].search(
        [("module", "in", addons), ("model", "=", "ir.model.fields")]
    )
    # fields only these add-ons declare (not those they extend, e.g. with
    # selection_add: their column stays with the add-on that made them)
    shared = env["ir.model.data"].search(
        [
            ("module", "not in", addons),
            ("model", "=", "ir.model.fields"),
            ("res_id", "in", data.mapped("res_id")),
        ]
    )
    fields = (
        env["ir.model.fields"]
        .browse(set(data.mapped("res_id")) - set(shared.mapped("res_id")))
        .exists()
    )
    with open(state_file, "w") as handle:
        json.dump(
            {
                "models": models.mapped("model"),
                "columns": [
                    (env[f.model]._table, f.name)
                    for f in fields
                    if f.store
                    and f.model in env
                    and f.model not in models.mapped("model")
                ],
            },
            handle,
        )
    modules.button_immediate_uninstall()
    env.cr.commit()
else:
    with open(state_file) as handle:
        state = json.load(handle)
    modules = env["ir.module.module"].search([("name", "in", addons)])
    left = [m.name for m in modules if m.state != "uninstalled"]
    problems = [f"still installed: {left}"] if left else []
    problems += [f"model left: {m}" for m in state["models"] if m in env]
    for table, column in state["columns"]:
        env.cr.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = %s AND column_name = %s",
            (table, column),
        )
        if env.cr.fetchone():
            problems.append(f"column left: {table}.{column}")
    partner = env["res.partner"].create({"name": "After uninstall", "zip": "200120"})
    env["res.partner"].search([]).read(["name"])
    env["res.partner"].search([]).mapped("display_name")
    if "sale.order" in env:
        env["sale.order"].search([], limit=1).read(["name"])
    partner.unlink()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"uninstall check of {', '.join(addons)} passed")
