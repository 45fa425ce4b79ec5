from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    dms_grid_ids = fields.Many2many(
        "dms.grid",
        "dms_grid_res_users_rel",
        "user_id",
        "grid_id",
        string="Managed Grids",
        help="Grids this user manages; with the Distribution / User group the "
        "user sees these grids, their sub-grids and what is attached to them.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "dms_grid_ids" in vals:
            # record rules read user.dms_grid_ids and are cached per user
            self.env.registry.clear_cache()
        return res
