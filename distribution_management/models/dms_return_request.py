from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare


class DmsReturnRequest(models.Model):
    _name = "dms.return.request"
    _description = "Dealer Return Request"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        compute="_compute_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="sale_order_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    # grid scoping: an indexed stored many2one on the protected record
    dms_grid_id = fields.Many2one(
        related="sale_order_id.dms_grid_id", store=True, index=True, string="Grid"
    )
    request_type = fields.Selection(
        [("return", "Return for credit"), ("exchange", "Exchange")],
        string="Type",
        required=True,
        default="return",
        tracking=True,
    )
    reason = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    reject_reason = fields.Text(tracking=True, copy=False)
    line_ids = fields.One2many(
        "dms.return.request.line", "request_id", string="Lines", copy=True
    )
    picking_ids = fields.Many2many(
        "stock.picking", string="Return Transfers", copy=False, readonly=True
    )
    credit_note_ids = fields.Many2many(
        "account.move", string="Credit Notes", copy=False, readonly=True
    )
    amount_estimated = fields.Monetary(
        string="Estimated Credit", compute="_compute_amount_estimated"
    )

    @api.depends("sale_order_id.partner_id")
    def _compute_partner_id(self):
        for request in self:
            request.partner_id = request.sale_order_id.partner_id.commercial_partner_id

    @api.depends("line_ids.quantity", "line_ids.sale_line_id")
    def _compute_amount_estimated(self):
        for request in self:
            request.amount_estimated = sum(
                line.quantity
                * line.sale_line_id.price_unit
                * (1 - (line.sale_line_id.discount or 0.0) / 100)
                for line in request.line_ids
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "dms.return.request"
                ) or _("New")
        return super().create(vals_list)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/dms/returns/{request.id}"
        return res

    @api.constrains("line_ids", "sale_order_id")
    def _check_lines(self):
        for request in self:
            foreign = request.line_ids.sale_line_id.order_id - request.sale_order_id
            if foreign:
                raise ValidationError(
                    _(
                        "Every line of a return must come from order %(order)s.",
                        order=request.sale_order_id.name,
                    )
                )

    def _check_state(self, *states):
        for request in self:
            if request.state not in states:
                raise UserError(
                    _(
                        "Return %(name)s cannot do this in its current status.",
                        name=request.name,
                    )
                )

    def action_submit(self):
        self._check_state("draft")
        if self.filtered(lambda r: not r.line_ids):
            raise UserError(_("Add at least one product to return."))
        self.write({"state": "submitted"})
        return True

    def action_reject(self):
        self._check_state("submitted")
        if self.filtered(lambda r: not (r.reject_reason or "").strip()):
            raise UserError(_("Enter the reason of the rejection first."))
        self.write({"state": "rejected"})
        return True

    def action_approve(self):
        """Create the return transfers through Odoo's return wizard."""
        self._check_state("submitted")
        for request in self:
            request.line_ids._check_quantities()
            pickings = self.env["stock.picking"]
            allocation = request._allocate_return_quantities()
            for picking in request._delivered_pickings():
                picking_vals = {
                    move.id: allocation[move.id]
                    for move in picking.move_ids
                    if allocation.get(move.id)
                }
                if not picking_vals:
                    continue
                wizard = (
                    self.env["stock.return.picking"]
                    .with_context(active_id=picking.id, active_model="stock.picking")
                    .create({"picking_id": picking.id})
                )
                for line in wizard.product_return_moves:
                    line.quantity = picking_vals.get(line.move_id.id, 0.0)
                    line.to_refund = True
                wizard.product_return_moves.filtered(
                    lambda move: not move.quantity
                ).unlink()
                if request.request_type == "exchange":
                    action = wizard.action_create_exchanges()
                else:
                    action = wizard.action_create_returns()
                pickings |= self.env["stock.picking"].browse(action["res_id"])
            if not pickings:
                raise UserError(_("Nothing delivered can be returned for this order."))
            request.write(
                {
                    "state": "approved",
                    "picking_ids": [Command.link(p.id) for p in pickings],
                }
            )
        return True

    def _delivered_pickings(self):
        self.ensure_one()
        return self.sale_order_id.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        ).sorted("date_done")

    def _allocate_return_quantities(self):
        """{delivered move id: quantity to return}, the requested quantity of
        each line taken from its earliest delivered moves first."""
        self.ensure_one()
        result = {}
        moves = self._delivered_pickings().move_ids.filtered(
            lambda m: m.state == "done"
        )
        for line in self.line_ids:
            remaining = line.product_uom._compute_quantity(
                line.quantity, line.product_id.uom_id
            )
            for move in moves.filtered(
                lambda m, sl=line.sale_line_id: m.sale_line_id == sl
            ):
                taken = min(move.quantity - result.get(move.id, 0.0), remaining)
                if taken > 0:
                    result[move.id] = result.get(move.id, 0.0) + taken
                    remaining -= taken
        return result

    def action_create_credit_note(self):
        """Credit the returned quantities once the return transfers are done."""
        self._check_state("approved")
        for request in self:
            if request.picking_ids.filtered(lambda p: p.state != "done"):
                raise UserError(_("Validate the return transfers first."))
            if request.request_type == "return":
                order = request.sale_order_id
                move_vals = order._prepare_invoice()
                move_vals["move_type"] = "out_refund"
                move_vals["invoice_line_ids"] = [
                    Command.create(
                        line.sale_line_id._prepare_invoice_line(quantity=line.quantity)
                    )
                    for line in request.line_ids
                ]
                credit_note = self.env["account.move"].sudo().create(move_vals)
                request.credit_note_ids = [Command.link(credit_note.id)]
            request.state = "done"
        return True

    def action_view_pickings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "name": _("Return Transfers"),
            "view_mode": "list,form",
            "domain": [("id", "in", self.picking_ids.ids)],
        }

    def action_view_credit_notes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": _("Credit Notes"),
            "view_mode": "list,form",
            "domain": [("id", "in", self.credit_note_ids.ids)],
        }


class DmsReturnRequestLine(models.Model):
    _name = "dms.return.request.line"
    _description = "Dealer Return Request Line"

    request_id = fields.Many2one(
        "dms.return.request", required=True, ondelete="cascade", index=True
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", required=True, ondelete="restrict"
    )
    product_id = fields.Many2one(related="sale_line_id.product_id")
    product_uom = fields.Many2one(related="sale_line_id.product_uom")
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    returnable_qty = fields.Float(
        string="Returnable",
        digits="Product Unit of Measure",
        compute="_compute_returnable_qty",
    )

    @api.depends("sale_line_id", "request_id.state")
    def _compute_returnable_qty(self):
        for line in self:
            line.returnable_qty = line.sale_line_id._dms_returnable_qty(
                exclude=line.request_id
            )

    @api.constrains("quantity", "sale_line_id")
    def _check_quantities(self):
        for line in self:
            rounding = line.product_uom.rounding or 0.01
            if float_compare(line.quantity, 0.0, precision_rounding=rounding) <= 0:
                raise ValidationError(_("Return quantities must be positive."))
            if (
                float_compare(
                    line.quantity, line.returnable_qty, precision_rounding=rounding
                )
                > 0
            ):
                raise ValidationError(
                    _(
                        "At most %(qty)s %(uom)s of %(product)s can be returned.",
                        qty=line.returnable_qty,
                        uom=line.product_uom.name,
                        product=line.product_id.display_name,
                    )
                )
