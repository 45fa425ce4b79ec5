from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _dms_grid_scope_addon_domain(self, model_name):
        """Transfers follow the grid of their order; their moves and move
        lines follow the transfer (``security/..._security.xml``)."""
        if model_name == "stock.picking":
            return self._dms_grid_scope_owned_domain("user_id")
        if model_name in ("stock.move", "stock.move.line"):
            # moves without transfer (inventory adjustments...) only when mine
            return [
                "|",
                ("picking_id", "any", self._dms_grid_scope_domain("stock.picking")),
                "&",
                ("picking_id", "=", False),
                ("create_uid", "=", self.id),
            ]
        return super()._dms_grid_scope_addon_domain(model_name)
