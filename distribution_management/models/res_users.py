from odoo import _, fields, models

# a grid manager: Distribution / User without Distribution / Administrator
GRID_SCOPED_GROUPS = (
    "distribution_management.group_dms_user,!distribution_management.group_dms_manager"
)


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

    def _dms_is_grid_scoped(self):
        """Whether this user only sees the records of the grids they manage."""
        self.ensure_one()
        return self.has_groups(GRID_SCOPED_GROUPS)

    def _dms_grid_scope_domain(self, model_name):
        """The domain that limits a grid manager to their grids on a core model.

        Used by the *global* record rules of ``security/dms_grid_scope_security.xml``.
        Odoo ORs the rules of a user's groups, so a grid rule in a group would be
        widened by the rules of every other group the user holds (Sales / User:
        Own Documents lets any order, invoice or analysis line *without*
        salesperson through). Global rules are ANDed with everything instead: for
        a grid manager the union of their group rules is cut down to their grids,
        whatever else they were given (invoicing, inventory, all documents).
        Everyone else (distribution administrators, users without the group,
        portal, public) gets the always-true domain.

        A record belongs to the grid stored in its ``dms_grid_id`` (an order, its
        delivery and invoice take the grid of the delivery address). Records with
        no grid (a customer with no address yet, a quotation for it) are seen only
        by the grid manager who created them or is their salesperson, so that
        they can create a customer, then give it the address that assigns its
        grid. Internal partners (users, the user's companies and their contacts)
        stay readable: Odoo reads them everywhere.
        """
        self.ensure_one()
        if not self._dms_is_grid_scoped():
            return [(1, "=", 1)]
        grids = self.dms_grid_ids.ids
        uid = self.id
        scoped = self._dms_grid_scope_owned_domain

        def through(field, target):
            return [(field, "any", self._dms_grid_scope_domain(target))]

        if model_name == "res.partner":
            companies = self.company_ids.partner_id.ids
            return [
                "|",
                ("partner_share", "=", False),
                "|",
                ("commercial_partner_id", "in", companies),
                "|",
                ("dms_grid_id", "child_of", grids),
                "&",
                ("dms_grid_id", "=", False),
                "|",
                ("commercial_partner_id.dms_grid_id", "child_of", grids),
                "|",
                ("create_uid", "=", uid),
                ("user_id", "=", uid),
            ]
        if model_name == "sale.order":
            return scoped("user_id")
        if model_name == "account.move":
            return scoped("invoice_user_id")
        if model_name == "account.payment":
            return scoped("create_uid")
        if model_name in ("sale.report", "account.invoice.report"):
            # analysis lines: no creator, the salesperson only
            responsible = (
                "user_id" if model_name == "sale.report" else "invoice_user_id"
            )
            return [
                "|",
                ("dms_grid_id", "child_of", grids),
                "&",
                ("dms_grid_id", "=", False),
                (responsible, "=", uid),
            ]
        if model_name == "sale.order.line":
            return [("order_id", "any", self._dms_grid_scope_domain("sale.order"))]
        if model_name == "account.move.line":
            return [("move_id", "any", self._dms_grid_scope_domain("account.move"))]
        if model_name in ("payment.transaction", "res.partner.bank"):
            return through("partner_id", "res.partner")
        return self._dms_grid_scope_addon_domain(model_name)

    def _dms_grid_scope_owned_domain(self, responsible):
        """A grid manager's documents with a ``dms_grid_id``: in their grids,
        or without grid and created by them / with them as ``responsible``."""
        self.ensure_one()
        return [
            "|",
            ("dms_grid_id", "child_of", self.dms_grid_ids.ids),
            "&",
            ("dms_grid_id", "=", False),
            "|",
            ("create_uid", "=", self.id),
            (responsible, "=", self.id),
        ]

    def _dms_grid_scope_addon_domain(self, model_name):
        """Extension point of ``_dms_grid_scope_domain`` for the models of the
        add-ons (transfers, stock moves...): the grid domain of ``model_name``
        for this grid manager.

        An add-on that scopes a model with a global rule
        ``user._dms_grid_scope_domain('its.model')`` returns its domain for
        that model and ``super()`` for any other; a model nobody knows is an
        error."""
        raise ValueError(f"No grid scope for {model_name}")

    def _dms_grid_names(self):
        """The grids this user manages, for messages ("(none)" when none)."""
        self.ensure_one()
        return ", ".join(self.dms_grid_ids.mapped("display_name")) or _("(none)")
