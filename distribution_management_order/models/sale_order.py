from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The dealer's cart is a draft order of its own: Odoo prices it (tier
    # pricelist, quantity breaks), taxes it and applies the promotions to it as
    # it would to the order it becomes, so what the cart shows is what the
    # order charges.
    dms_portal_state = fields.Selection(
        [
            ("cart", "In the Cart"),
            ("to_approve", "Awaiting Approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        string="Dealer Order Status",
        copy=False,
        index=True,
        readonly=True,
        tracking=True,
        help="Orders placed by dealers in the portal: in the cart, submitted and "
        "awaiting approval, approved, or refused.",
    )
    dms_portal_contact_id = fields.Many2one(
        "res.partner",
        string="Ordered by",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="The dealer's contact who placed the order in the portal.",
    )
    dms_submitted_on = fields.Datetime(string="Submitted on", copy=False, readonly=True)
    dms_refuse_reason = fields.Text(
        string="Refusal Reason",
        copy=False,
        readonly=True,
        tracking=True,
        help="Why the order was refused; the dealer sees it in the portal.",
    )

    @api.model
    def _dms_portal_cart(self, dealer, contact, create=True):
        """The open cart of ``contact`` ordering for ``dealer`` (sudo), made on
        first use when ``create``; an empty recordset otherwise."""
        cart = self.sudo().search(
            [
                ("dms_portal_state", "=", "cart"),
                ("state", "=", "draft"),
                ("partner_id", "=", dealer.id),
                ("dms_portal_contact_id", "=", contact.id),
            ],
            order="id desc",
            limit=1,
        )
        if cart or not create:
            return cart
        company = dealer._dms_company()
        cart = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": dealer.id,
                    "company_id": company.id,
                    "dms_portal_state": "cart",
                    "dms_portal_contact_id": contact.id,
                }
            )
        )
        cart.user_id = cart._dms_portal_salesperson()
        return cart

    def _dms_cart_set_quantities(self, quantities):
        """Set the cart's quantity of each product of ``{product: qty}`` (0
        removes the line), then let the promotions follow."""
        self.ensure_one()
        if self.dms_portal_state != "cart" or self.state != "draft":
            raise UserError(
                _("This order has been submitted and can no longer change.")
            )
        lines = self.order_line.filtered(lambda line: not line.display_type)
        commands = []
        for product, quantity in quantities.items():
            line = lines.filtered(
                lambda line, product=product: (
                    line.product_id == product and not line.is_reward_line
                )
            )[:1]
            if line and quantity <= 0:
                commands.append((2, line.id))
            elif line:
                commands.append((1, line.id, {"product_uom_qty": quantity}))
            elif quantity > 0:
                commands.append(
                    (0, 0, {"product_id": product.id, "product_uom_qty": quantity})
                )
        if commands:
            self.write({"order_line": commands})
        self._dms_finalize_quick_order()

    def _dms_cart_submit(self, address=None, note=None):
        """Submit the cart: checks the tier's minimum order, then waits for
        approval or confirms as the company says."""
        self.ensure_one()
        if self.dms_portal_state != "cart" or not self.order_line:
            raise UserError(_("Your cart is empty."))
        minimum = self.partner_id.dms_tier_id.min_order_amount
        if (
            minimum
            and self.currency_id.compare_amounts(self.amount_untaxed, minimum) < 0
        ):
            raise UserError(
                _(
                    "Your tier's minimum order is %(minimum)s; this order "
                    "comes to %(amount)s before taxes.",
                    minimum=self.currency_id.format(minimum),
                    amount=self.currency_id.format(self.amount_untaxed),
                )
            )
        vals = {
            "dms_portal_state": "to_approve",
            "dms_submitted_on": fields.Datetime.now(),
        }
        if address:
            vals["partner_shipping_id"] = address.id
        if note:
            vals["note"] = note
        self.write(vals)
        self.message_subscribe(partner_ids=self.dms_portal_contact_id.ids)
        if self.company_id.dms_portal_order_confirm:
            self.action_confirm()
            self.dms_portal_state = "approved"
        return self
