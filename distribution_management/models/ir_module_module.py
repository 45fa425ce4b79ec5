"""The charts of accounts account offers, computed once per set of module
states and language instead of at every look.

Opening Settings asks for the choices of ``res.config.settings.chart_template``
(``get_views`` → ``fields_get``), which account computes from
``ir.module.module.account_templates``: for every chart of every localisation
module, ``env.ref("base.<country>")`` checks that the country exists, then
reads it, a query each — about 255 of the 300 queries of opening Settings warm
(issue 13), with or without this family. The templates depend only on the
modules' code, their states and the language of the country names, so they are
cached under that key (the ids and states of the modules asked for: all of
them when Settings asks). Installing or uninstalling a module starts a new
registry, hence a new cache; modules found by *Update Apps List* have new ids;
activating a language clears the caches. Each record gets a copy, so nobody
changes the cached value.
"""

import copy

from odoo import api, models, tools


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.depends("state")
    def _compute_account_templates(self):
        states = tuple((module.id, module.state) for module in self)
        templates = self._dms_account_templates(states, self.env.lang)
        for module in self:
            module.account_templates = copy.deepcopy(templates[module.id])

    @tools.ormcache("states", "lang")
    def _dms_account_templates(self, states, lang):
        """account's templates of the modules of ``states`` ((id, state)
        pairs), by module id, ``lang`` naming the countries."""
        super()._compute_account_templates()  # pylint: disable=super-method-mismatch
        return {module.id: module.account_templates for module in self}
