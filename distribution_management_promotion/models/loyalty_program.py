from odoo import _, api, fields, models
from odoo.tools import SQL

NO_RESTRICTION = {"tier_ids": [], "grid_ids": [], "grid_paths": [], "optin_ids": []}


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    dms_tier_ids = fields.Many2many(
        "dms.tier",
        string="Distributor Tiers",
        help="Only orders of dealers of these tiers (or credited to distributors "
        "of these tiers) qualify. Empty: every tier.",
    )
    dms_grid_ids = fields.Many2many(
        "dms.grid",
        string="Grids",
        help="Only orders delivered in these grids or their sub-grids qualify. "
        "Empty: everywhere.",
    )
    dms_require_opt_in = fields.Boolean(
        string="Dealers Opt In",
        help="Dealers must join the promotion from their portal first.",
    )
    dms_optin_partner_ids = fields.Many2many(
        "res.partner",
        "dms_loyalty_program_optin_rel",
        "program_id",
        "partner_id",
        string="Opted-in Dealers",
        domain="[('dms_state', '=', 'approved')]",
    )
    dms_restriction = fields.Json(
        string="Distribution Restriction",
        compute="_compute_dms_restriction",
        help="Technical: the tiers, grids (and their paths) and opted-in dealers "
        "of the program, as stored.",
    )

    @api.depends("dms_tier_ids", "dms_grid_ids.parent_path", "dms_optin_partner_ids")
    def _compute_dms_restriction(self):
        """Read the restrictions in the database, for all the programs at once.

        Not through the many2many fields: they hold only the active records the
        user who read them first may see (record rules of dms.grid, res.partner),
        so a grid manager, or a program whose grid was archived, would see a
        restricted program as open to everyone.
        """
        stored = self.filtered("id")
        for program in self - stored:  # new records (forms): what they hold
            sudo = program.sudo()
            program.dms_restriction = {
                "tier_ids": sudo.dms_tier_ids.ids,
                "grid_ids": sudo.dms_grid_ids.ids,
                "grid_paths": sudo.dms_grid_ids.mapped("parent_path"),
                "optin_ids": sudo.dms_optin_partner_ids.ids,
            }
        if not stored:
            return
        relations = [
            self._fields[name]
            for name in ("dms_tier_ids", "dms_grid_ids", "dms_optin_partner_ids")
        ]
        stored.flush_recordset([field.name for field in relations])
        self.env["dms.grid"].flush_model(["parent_path"])
        tiers, grids, optins = relations
        rows = self.env.execute_query(
            SQL(
                """
                SELECT program.id,
                       ARRAY(SELECT %(tier)s FROM %(tier_rel)s
                              WHERE %(tier_program)s = program.id ORDER BY 1),
                       ARRAY(SELECT grid.id FROM %(grid_rel)s
                               JOIN dms_grid grid ON grid.id = %(grid)s
                              WHERE %(grid_program)s = program.id ORDER BY 1),
                       ARRAY(SELECT grid.parent_path FROM %(grid_rel)s
                               JOIN dms_grid grid ON grid.id = %(grid)s
                              WHERE %(grid_program)s = program.id ORDER BY grid.id),
                       ARRAY(SELECT %(optin)s FROM %(optin_rel)s
                              WHERE %(optin_program)s = program.id ORDER BY 1)
                  FROM loyalty_program program
                 WHERE program.id IN %(ids)s
                """,
                tier_rel=SQL.identifier(tiers.relation),
                tier=SQL.identifier(tiers.relation, tiers.column2),
                tier_program=SQL.identifier(tiers.relation, tiers.column1),
                grid_rel=SQL.identifier(grids.relation),
                grid=SQL.identifier(grids.relation, grids.column2),
                grid_program=SQL.identifier(grids.relation, grids.column1),
                optin_rel=SQL.identifier(optins.relation),
                optin=SQL.identifier(optins.relation, optins.column2),
                optin_program=SQL.identifier(optins.relation, optins.column1),
                ids=tuple(stored.ids),
            )
        )
        values = {
            program_id: {
                "tier_ids": tier_ids,
                "grid_ids": grid_ids,
                "grid_paths": grid_paths,
                "optin_ids": optin_ids,
            }
            for program_id, tier_ids, grid_ids, grid_paths, optin_ids in rows
        }
        for program in stored:
            program.dms_restriction = values.get(program.id, NO_RESTRICTION)

    def _dms_is_restricted(self):
        self.ensure_one()
        restriction = self.dms_restriction
        return bool(
            restriction["tier_ids"]
            or restriction["grid_ids"]
            or self.dms_require_opt_in
        )

    def _dms_eligibility_error(self, dealer, grid, check_opt_in=True):
        """Why ``dealer`` (an approved distributor or nothing) ordering in
        ``grid`` cannot use this program, or None when it can."""
        self.ensure_one()
        if not self._dms_is_restricted():
            return None
        restriction = self.dms_restriction
        dealer = dealer.sudo() if dealer else None
        if not dealer or dealer.dms_state != "approved":
            return _("This promotion is reserved for distributors.")
        if (
            restriction["tier_ids"]
            and dealer.dms_tier_id.id not in restriction["tier_ids"]
        ):
            tiers = self.env["dms.tier"].sudo().browse(restriction["tier_ids"])
            return _(
                "This promotion is reserved for the tiers %(tiers)s.",
                tiers=", ".join(tiers.mapped("name")),
            )
        if restriction["grid_ids"] and not (
            grid
            and any(
                grid.sudo().parent_path.startswith(path)
                for path in restriction["grid_paths"]
            )
        ):
            grids = self.env["dms.grid"].sudo().browse(restriction["grid_ids"])
            return _(
                "This promotion is reserved for deliveries in %(grids)s.",
                grids=", ".join(grids.mapped("complete_name")),
            )
        if (
            check_opt_in
            and self.dms_require_opt_in
            and dealer.id not in restriction["optin_ids"]
        ):
            return _("Join this promotion from your dealer portal first.")
        return None
