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
        help="Grid of the delivery address (else of the customer), as on the "
        "sales order.",
    )

    _dms_scope_fields = frozenset(
        {"partner_id", "partner_shipping_id", "invoice_user_id"}
    )
    _dms_scope_partner_fields = ("partner_id", "partner_shipping_id")

    @api.depends("partner_shipping_id.dms_grid_id", "commercial_partner_id.dms_grid_id")
    def _compute_dms_grid_id(self):
        for move in self:
            move.dms_grid_id = (
                move.partner_shipping_id.dms_grid_id
                or move.commercial_partner_id.dms_grid_id
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

    _dms_scope_fields = frozenset({"partner_id"})
    _dms_scope_partner_fields = ("partner_id",)

    @api.depends("partner_id.commercial_partner_id.dms_grid_id")
    def _compute_dms_grid_id(self):
        for payment in self:
            payment.dms_grid_id = payment.partner_id.commercial_partner_id.dms_grid_id
