from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.distribution_management.models.claim_lock import lock_for_claim
from odoo.addons.distribution_management.models.dms_state_guard import state_action


class DmsReturnRequest(models.Model):
    _name = "dms.return.request"
    _description = "Dealer Return Request"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "dms.state.guard.mixin",
    ]
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
        domain="[('state', '=', 'sale')]",
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
        string="Status",
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    reject_reason = fields.Text(tracking=True, copy=False)
    line_ids = fields.One2many(
        "dms.return.request.line", "request_id", string="Lines", copy=True
    )
    return_picking_ids = fields.Many2many(
        "stock.picking",
        "dms_return_request_return_picking_rel",
        "request_id",
        "picking_id",
        string="Return Transfers",
        copy=False,
        readonly=True,
    )
    exchange_picking_ids = fields.Many2many(
        "stock.picking",
        "dms_return_request_exchange_picking_rel",
        "request_id",
        "picking_id",
        string="Replacement Deliveries",
        copy=False,
        readonly=True,
    )
    credit_note_ids = fields.Many2many(
        "account.move",
        "dms_return_request_credit_note_rel",
        "request_id",
        "move_id",
        string="Credit Notes",
        copy=False,
        readonly=True,
    )
    return_picking_count = fields.Integer(compute="_compute_counts")
    exchange_picking_count = fields.Integer(compute="_compute_counts")
    credit_note_count = fields.Integer(compute="_compute_counts")
    amount_estimated = fields.Monetary(
        string="Estimated Credit", compute="_compute_amount_estimated"
    )

    @api.depends("sale_order_id.partner_id.commercial_partner_id")
    def _compute_partner_id(self):
        for request in self:
            request.partner_id = request.sale_order_id.partner_id.commercial_partner_id

    @api.depends("return_picking_ids", "exchange_picking_ids", "credit_note_ids")
    def _compute_counts(self):
        for request in self:
            request.return_picking_count = len(request.return_picking_ids)
            request.exchange_picking_count = len(request.exchange_picking_ids)
            request.credit_note_count = len(request.credit_note_ids)

    @api.depends(
        "line_ids.quantity",
        "line_ids.sale_line_id.price_reduce_taxexcl",
        "sale_order_id.order_line.price_subtotal",
        "credit_note_ids.amount_untaxed",
        "state",
    )
    def _compute_amount_estimated(self):
        """Untaxed credit of the requested quantities, net of their share of
        the order's promotions (see ``_dms_promotion_shares``)."""
        SaleLine = self.env["sale.order.line"].sudo()
        for request in self:
            credit_notes = request.sudo().credit_note_ids
            if request.state == "done" and credit_notes:
                request.amount_estimated = sum(credit_notes.mapped("amount_untaxed"))
                continue
            quantities = defaultdict(float)
            for line in request.line_ids:
                quantities[line.sale_line_id.sudo()] += line.quantity
            amount = sum(
                quantity * line.price_reduce_taxexcl
                for line, quantity in quantities.items()
            )
            shares = SaleLine._dms_promotion_shares(quantities)
            amount += sum(
                reward_line._dms_promotion_untaxed(share)
                for reward_line, share in shares.items()
            )
            request.amount_estimated = (
                request.currency_id.round(amount) if request.currency_id else amount
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "dms.return.request"
                ) or _("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_rejected(self):
        if self.filtered(lambda r: r.state not in ("draft", "rejected")):
            raise UserError(_("Only draft or rejected return requests can be deleted."))

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/dms/returns/{request.id}"
        return res

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("line_ids", "sale_order_id")
    def _check_lines(self):
        for request in self:
            order = request.sale_order_id
            if not any(line.qty_delivered > 0 for line in order.order_line):
                raise ValidationError(
                    _(
                        "Nothing of order %(order)s was delivered: "
                        "nothing can be returned.",
                        order=order.name,
                    )
                )
            if request.line_ids.sale_line_id.order_id - order:
                raise ValidationError(
                    _(
                        "Every line of a return must come from order %(order)s.",
                        order=order.name,
                    )
                )
        self._check_line_quantities()

    def _check_line_quantities(self):
        """Each quantity positive; per order line, the requested total within
        what is delivered and not claimed by another open request.

        Takes the claim lock of the orders first (see claim_lock): a request
        on the same order at the same time waits, then sees this one."""
        lock_for_claim(self.sale_order_id.sudo())
        for request in self:
            requested = defaultdict(float)
            for line in request.line_ids:
                rounding = line.product_uom.rounding or 0.01
                if float_compare(line.quantity, 0.0, precision_rounding=rounding) <= 0:
                    raise ValidationError(_("Return quantities must be positive."))
                requested[line.sale_line_id] += line.quantity
            if not requested:
                continue
            sale_lines = request.env["sale.order.line"].concat(*requested)
            returnable = sale_lines._dms_returnable_quantities(exclude=request)
            for sale_line, quantity in requested.items():
                rounding = sale_line.product_uom.rounding or 0.01
                if (
                    float_compare(
                        quantity,
                        returnable[sale_line.id],
                        precision_rounding=rounding,
                    )
                    > 0
                ):
                    raise ValidationError(
                        _(
                            "At most %(qty)s %(uom)s of %(product)s can be returned.",
                            qty=returnable[sale_line.id],
                            uom=sale_line.product_uom.name,
                            product=sale_line.product_id.display_name,
                        )
                    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_state(self, *states):
        for request in self:
            if request.state not in states:
                raise UserError(
                    _(
                        "Return %(name)s cannot do this in its current status.",
                        name=request.name,
                    )
                )

    @state_action
    def action_submit(self):
        """Send the request to the back office."""
        self._check_state("draft")
        self.check_access("write")
        if self.filtered(lambda r: not r.line_ids):
            raise UserError(_("Add at least one product to return."))
        self._check_lines()
        self.write({"state": "submitted"})
        for request in self:
            salesperson = request.sale_order_id.user_id
            if salesperson and not salesperson.share:
                request.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=salesperson.id,
                    summary=_("Review return request %(name)s", name=request.name),
                )
        return True

    @state_action
    def action_reject(self, reason=None):
        """Refuse the request; the quantities become returnable again."""
        self._check_state("submitted")
        self.check_access("write")
        if reason:
            self.write({"reject_reason": reason})
        if self.filtered(lambda r: not (r.reject_reason or "").strip()):
            raise UserError(_("Enter the reason of the rejection first."))
        self.write({"state": "rejected"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @state_action
    def action_approve(self):
        """Create the return transfers through Odoo's return wizard; for an
        exchange, the wizard also plans the replacement delivery."""
        self._check_state("submitted")
        # the grid rules decide who may approve; the stock work below is done
        # as superuser, like sale creates invoices for salespeople
        self.check_access("write")
        for request in self:
            request._check_lines()
            order = request.sale_order_id.sudo()
            moves_before = self._order_moves(order)
            pickings = self.env["stock.picking"]
            allocation = request._allocate_return_quantities()
            for picking in request._delivered_pickings():
                picking_vals = {
                    move.id: allocation[move.id]
                    for move in picking.move_ids
                    if allocation.get(move.id)
                }
                if picking_vals:
                    pickings |= request._create_return(picking, picking_vals)
            if not pickings:
                raise UserError(_("Nothing delivered can be returned for this order."))
            new_moves = self._order_moves(order) - moves_before
            replacements = new_moves.picking_id - pickings
            request.write(
                {
                    "state": "approved",
                    "return_picking_ids": [Command.link(p.id) for p in pickings],
                    "exchange_picking_ids": [Command.link(p.id) for p in replacements],
                }
            )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @api.model
    def _order_moves(self, order):
        return (
            self.env["stock.move"]
            .sudo()
            .search([("sale_line_id", "in", order.order_line.ids)])
        )

    def _create_return(self, picking, quantities):
        """One return transfer of ``picking``: {move id: quantity in the
        product's unit}, through the standard ``stock.return.picking``."""
        self.ensure_one()
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_company(picking.company_id)
            .with_context(
                active_id=picking.id,
                active_ids=picking.ids,
                active_model="stock.picking",
            )
            .create({"picking_id": picking.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.move_id.id, 0.0)
            line.to_refund = True
        wizard.product_return_moves.filtered(
            lambda line: float_is_zero(
                line.quantity, precision_rounding=line.uom_id.rounding or 0.01
            )
        ).unlink()
        if self.request_type == "exchange":
            action = wizard.action_create_exchanges()
        else:
            action = wizard.action_create_returns()
        return self.env["stock.picking"].browse(action["res_id"])

    def _delivered_pickings(self):
        self.ensure_one()
        return (
            self.sale_order_id.sudo()
            .picking_ids.filtered(
                lambda p: p.state == "done" and p.picking_type_code == "outgoing"
            )
            .sorted("date_done")
        )

    def _allocate_return_quantities(self):
        """{delivered move id: quantity to return, in the product's unit}: the
        requested quantity of each line taken from its earliest delivered
        moves first, each move no further than what is not yet returned."""
        self.ensure_one()
        result = defaultdict(float)
        moves = self._delivered_pickings().move_ids.filtered(
            lambda m: m.state == "done"
        )
        for line in self.line_ids:
            product_uom = line.product_id.uom_id
            remaining = line.product_uom._compute_quantity(line.quantity, product_uom)
            for move in moves.filtered(
                lambda m, sl=line.sale_line_id: m.sale_line_id == sl
            ):
                available = move.product_uom._compute_quantity(
                    move.quantity, product_uom
                )
                for returned in move.returned_move_ids.filtered(
                    lambda m: m.state != "cancel"
                ):
                    available -= returned.product_uom._compute_quantity(
                        returned.quantity
                        if returned.state == "done"
                        else returned.product_uom_qty,
                        product_uom,
                    )
                taken = min(available - result[move.id], remaining)
                if (
                    float_compare(taken, 0.0, precision_rounding=product_uom.rounding)
                    > 0
                ):
                    result[move.id] += taken
                    remaining -= taken
            if (
                float_compare(remaining, 0.0, precision_rounding=product_uom.rounding)
                > 0
            ):
                raise UserError(
                    _(
                        "The deliveries of order %(order)s do not hold enough "
                        "%(product)s to return.",
                        order=self.sale_order_id.name,
                        product=line.product_id.display_name,
                    )
                )
        return dict(result)

    def _all_return_pickings(self):
        """The return transfers with their backorders."""
        pickings = self.return_picking_ids
        backorders = pickings.backorder_ids - pickings
        while backorders:
            pickings |= backorders
            backorders = backorders.backorder_ids - pickings
        return pickings

    def _received_quantities(self):
        """{sale line: quantity received back, in the line's unit}."""
        self.ensure_one()
        received = defaultdict(float)
        moves = self._all_return_pickings().move_ids.filtered(
            lambda m: m.state == "done" and m.sale_line_id and m.to_refund
        )
        for move in moves:
            line = move.sale_line_id
            received[line] += move.product_uom._compute_quantity(
                move.quantity, line.product_uom
            )
        return received

    def _credit_quantities(self):
        """{sale line: quantity to credit}: what came back, no more than what
        was invoiced and is no longer due (a return of goods never invoiced
        only lowers what remains to invoice)."""
        self.ensure_one()
        result = {}
        for line, received in self._received_quantities().items():
            if line.product_id.invoice_policy == "delivery":
                creditable = line.qty_invoiced - line.qty_delivered
            else:
                creditable = line.qty_invoiced
            quantity = min(received, creditable)
            if (
                float_compare(
                    quantity, 0.0, precision_rounding=line.product_uom.rounding
                )
                > 0
            ):
                result[line] = quantity
        return result

    def _prepare_credit_note_vals(self, quantities):
        """Values of the credit note, built like sale builds its invoices."""
        self.ensure_one()
        order = self.sale_order_id.sudo().with_company(self.company_id)
        if order.partner_invoice_id.lang:
            order = order.with_context(lang=order.partner_invoice_id.lang)
        vals = order._prepare_invoice()
        vals.update(
            {
                "move_type": "out_refund",
                "ref": ", ".join(filter(None, [self.name, order.client_order_ref])),
            }
        )
        vals["invoice_line_ids"] = [
            Command.create(line._prepare_invoice_line(quantity=quantity))
            for line, quantity in quantities.items()
        ]
        # the returned units take back their share of the order's promotions;
        # the share is not linked to the discount line, whose invoiced
        # quantity stays whole (nothing of it becomes to invoice again)
        shares = self.env["sale.order.line"].sudo()._dms_promotion_shares(quantities)
        for reward_line, share in shares.items():
            line_vals = reward_line._prepare_invoice_line(quantity=1.0)
            line_vals.pop("sale_line_ids", None)
            line_vals.update(
                {
                    "price_unit": share,
                    "name": _(
                        "%(promotion)s (share of the returned products)",
                        promotion=reward_line.name,
                    ),
                }
            )
            vals["invoice_line_ids"].append(Command.create(line_vals))
        return vals

    @state_action
    def action_create_credit_note(self):
        """Once the return transfers are done: credit what came back (for a
        return) and close the request."""
        self._check_state("approved")
        self.check_access("write")
        # two clicks at once: the second waits, then finds the request done
        lock_for_claim(self.sale_order_id.sudo())
        for request in self:
            pending = request._all_return_pickings().filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            if pending:
                raise UserError(_("Validate the return transfers first."))
            if request.request_type == "return":
                quantities = request._credit_quantities()
                if quantities:
                    order = request.sale_order_id.sudo()
                    credit_note = order._create_account_invoices(
                        [request._prepare_credit_note_vals(quantities)], final=True
                    )
                    order.invoice_ids._set_reversed_entry(credit_note)
                    request.credit_note_ids = [Command.link(credit_note.id)]
                else:
                    request.message_post(
                        body=_(
                            "Nothing returned was invoiced: no credit note is needed."
                        )
                    )
            request.state = "done"
        return True

    def _action_view(self, records, name):
        action = {
            "type": "ir.actions.act_window",
            "res_model": records._name,
            "name": name,
            "context": {"create": False},
        }
        if len(records) == 1:
            action.update({"view_mode": "form", "res_id": records.id})
        else:
            action.update(
                {"view_mode": "list,form", "domain": [("id", "in", records.ids)]}
            )
        return action

    def action_view_return_pickings(self):
        self.ensure_one()
        return self._action_view(self._all_return_pickings(), _("Return Transfers"))

    def action_view_exchange_pickings(self):
        self.ensure_one()
        return self._action_view(self.exchange_picking_ids, _("Replacement Deliveries"))

    def action_view_credit_notes(self):
        self.ensure_one()
        return self._action_view(self.credit_note_ids, _("Credit Notes"))


class DmsReturnRequestLine(models.Model):
    _name = "dms.return.request.line"
    _description = "Dealer Return Request Line"

    request_id = fields.Many2one(
        "dms.return.request", required=True, ondelete="cascade", index=True
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        required=True,
        ondelete="restrict",
        index=True,
    )
    product_id = fields.Many2one(related="sale_line_id.product_id")
    product_uom = fields.Many2one(related="sale_line_id.product_uom")
    qty_delivered = fields.Float(
        related="sale_line_id.qty_delivered", string="Delivered"
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    returnable_qty = fields.Float(
        string="Returnable",
        digits="Product Unit of Measure",
        compute="_compute_returnable_qty",
        help="Delivered, not yet returned and not claimed by another open "
        "return request.",
    )

    @api.depends("sale_line_id", "request_id.state")
    def _compute_returnable_qty(self):
        for request, lines in self.grouped("request_id").items():
            returnable = lines.sale_line_id._dms_returnable_quantities(exclude=request)
            for line in lines:
                line.returnable_qty = returnable.get(line.sale_line_id.id, 0.0)

    @api.constrains("quantity", "sale_line_id")
    def _check_quantities(self):
        self.request_id._check_lines()
