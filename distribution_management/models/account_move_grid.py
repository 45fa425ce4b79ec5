from odoo import api, fields, models


class AccountMove(models.Model):
    """The grid of an invoice or journal entry, for the grid managers' rules.

    Kept apart from ``account_move.py`` (commissions, rebates): it only adds
    the stored grid and the scope checks.
    """

    _name = "account.move"
    _inherit = ["account.move", "dms.grid.scope.mixin"]

    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        compute="_compute_dms_grid_id",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="Grid of the delivery address (else of the customer) when the "
        "entry was made, as on the sales order.",
    )

    _dms_scope_fields = frozenset(
        {"partner_id", "partner_shipping_id", "invoice_user_id", "dms_grid_id"}
    )
    _dms_scope_partner_fields = ("partner_id", "partner_shipping_id")

    # The grid is taken when the move is made or its partners change, and kept
    # afterwards: an invoice stays in the grid it was made in when the customer
    # moves (no search over all moves on every change of a partner's grid). It
    # reads partner_id.commercial_partner_id, not the move's own (computed later)
    # commercial_partner_id, so that the INSERT of the move writes it.
    @api.depends("partner_shipping_id", "partner_id")
    def _compute_dms_grid_id(self):
        for move in self:
            move.dms_grid_id = (
                move.partner_shipping_id.dms_grid_id
                or move.partner_id.commercial_partner_id.dms_grid_id
            )


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = ["account.payment", "dms.grid.scope.mixin"]

    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        compute="_compute_dms_grid_id",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="Grid of the partner, for the grid managers' rules.",
    )

    _dms_scope_fields = frozenset({"partner_id", "dms_grid_id"})
    _dms_scope_partner_fields = ("partner_id",)

    # taken when the payment is made, kept afterwards (as on invoices)
    @api.depends("partner_id")
    def _compute_dms_grid_id(self):
        for payment in self:
            payment.dms_grid_id = payment.partner_id.commercial_partner_id.dms_grid_id
