"""18.0.2.0.0: the add-on became a family, one add-on per capability.

A database upgraded from 18.0.1 holds commissions, rebates, stock alerts...
that now belong to other add-ons. Before the core is loaded:

- every record whose XML id moved keeps its data: its ``ir.model.data`` row
  changes module (the list, ``moved_xmlids.json``, maps each XML id of 18.0.1
  to the add-on holding it now), so Odoo does not delete the models, fields,
  tables and records the core no longer declares;
- the add-ons of the capabilities are installed in the same upgrade (the
  database had them all), so nothing is lost and every screen stays.
"""

import json
import logging
from pathlib import Path

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    moved = json.loads((Path(__file__).parent / "moved_xmlids.json").read_text())
    by_module = {}
    for name, module in moved.items():
        by_module.setdefault(module, []).append(name)
    for module, names in sorted(by_module.items()):
        cr.execute(
            """UPDATE ir_model_data SET module = %s
                WHERE module = 'distribution_management' AND name IN %s""",
            (module, tuple(names)),
        )
        _logger.info("%s XML ids moved to %s", cr.rowcount, module)
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env["ir.module.module"]
    modules = Module.search(
        [("name", "in", sorted(by_module)), ("state", "=", "uninstalled")]
    )
    known = Module.search([("name", "in", sorted(by_module))]).mapped("name")
    missing = set(by_module) - set(known)
    if missing:
        _logger.warning("Add-ons missing from the addons path: %s", sorted(missing))
    # the bridges of two installed capabilities follow (auto_install)
    modules.button_install()
    _logger.info("Installing %s", ", ".join(modules.mapped("name")))
