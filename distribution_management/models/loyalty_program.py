from odoo import _, fields, models


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

    def _dms_is_restricted(self):
        self.ensure_one()
        return bool(self.dms_tier_ids or self.dms_grid_ids or self.dms_require_opt_in)

    def _dms_eligibility_error(self, dealer, grid, check_opt_in=True):
        """Why ``dealer`` (an approved distributor or nothing) ordering in
        ``grid`` cannot use this program, or None when it can."""
        self.ensure_one()
        if not self._dms_is_restricted():
            return None
        if not dealer:
            return _("This promotion is reserved for distributors.")
        if self.dms_tier_ids and dealer.dms_tier_id not in self.dms_tier_ids:
            return _(
                "This promotion is reserved for the tiers %(tiers)s.",
                tiers=", ".join(self.dms_tier_ids.mapped("name")),
            )
        if self.dms_grid_ids and not (
            grid
            and any(
                grid.parent_path.startswith(program_grid.parent_path)
                for program_grid in self.dms_grid_ids
            )
        ):
            return _(
                "This promotion is reserved for deliveries in %(grids)s.",
                grids=", ".join(self.dms_grid_ids.mapped("complete_name")),
            )
        if (
            check_opt_in
            and self.dms_require_opt_in
            and (dealer not in self.dms_optin_partner_ids)
        ):
            return _("Join this promotion from your dealer portal first.")
        return None
