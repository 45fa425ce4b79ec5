from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

ATTRIBUTION_SOURCES = [
    ("manual", "Set by hand"),
    ("dealer", "Dealer's own order"),
    ("code", "Referral code"),
    ("link", "Referral link"),
    ("binding", "Customer binding"),
]
# UTM medium of each source (xml ids of data/utm_data.xml)
SOURCE_MEDIUMS = {
    "dealer": "distribution_management.utm_medium_dealer_portal",
    "code": "distribution_management.utm_medium_referral_code",
    "link": "distribution_management.utm_medium_referral_link",
    "binding": "distribution_management.utm_medium_customer_binding",
}
SESSION_REFERRAL_KEY = "dms_referral_code"
# who followed the link: the session's user id then (None for a visitor)
SESSION_REFERRAL_UID_KEY = "dms_referral_uid"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "dms.grid.scope.mixin"]

    _dms_scope_fields = frozenset(
        {
            "partner_id",
            "partner_invoice_id",
            "partner_shipping_id",
            "dms_grid_id",
            "user_id",
        }
    )
    _dms_scope_partner_fields = (
        "partner_id",
        "partner_invoice_id",
        "partner_shipping_id",
    )

    dms_distributor_id = fields.Many2one(
        "res.partner",
        string="Distributor",
        compute="_compute_dms_attribution",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        domain="[('dms_state', '=', 'approved')]",
        help="Distributor credited with this order.",
    )
    dms_attribution_source = fields.Selection(
        ATTRIBUTION_SOURCES,
        string="Attribution",
        compute="_compute_dms_attribution",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    dms_referral_code = fields.Char(
        string="Referral Code",
        tracking=True,
        copy=False,
        help="Referral code given by the customer; it credits the distributor "
        "who owns it.",
    )
    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        compute="_compute_dms_grid_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="Grid of the delivery address.",
    )

    # ------------------------------------------------------------------
    # Attribution
    # ------------------------------------------------------------------
    @api.depends("partner_shipping_id.dms_grid_id")
    def _compute_dms_grid_id(self):
        for order in self:
            order.dms_grid_id = order.partner_shipping_id.dms_grid_id

    @api.depends("partner_id", "dms_referral_code")
    def _compute_dms_attribution(self):
        """Credit a distributor, first match winning:

        1. set by hand (kept as long as the source stays "manual");
        2. the customer is itself an approved distributor (a dealer's order);
        3. the referral code typed on the order;
        4. the referral link the customer followed in this visit;
        5. the customer's binding to the distributor that first brought it.
        """
        link_code = self._dms_session_referral_code()
        codes = {code for code in self.mapped("dms_referral_code") if code}
        if link_code:
            codes.add(link_code)
        owners = self.env["res.partner"]._dms_distributors_by_code(codes)
        today = self.company_id[:1]._dms_today()
        for order in self:
            if order.dms_attribution_source == "manual" and order.dms_distributor_id:
                continue
            customer = order.partner_id.commercial_partner_id
            binding = customer.dms_bound_distributor_id
            if customer.dms_state == "approved":
                found = (customer, "dealer")
            elif order.dms_referral_code and order.dms_referral_code in owners:
                found = (owners[order.dms_referral_code], "code")
            elif link_code and link_code in owners:
                found = (owners[link_code], "link")
            elif (
                binding.dms_state == "approved"
                and customer.dms_bound_until
                and customer.dms_bound_until >= today
            ):
                found = (binding, "binding")
            else:
                found = (self.env["res.partner"], False)
            order.dms_distributor_id, order.dms_attribution_source = found

    @api.model
    def _dms_session_referral_code(self):
        """Referral code remembered from a /dms/r/<code> link in this visit.

        Honoured only for the visitor's own orders: the environment's user is
        the public or a portal user, the request's session is that user's, and
        the link was followed by that user (or anonymously, before logging in,
        in the same session). An internal user's back-office orders, or orders
        created for someone else, are never credited to a link.
        """
        try:
            session = request and request.session
        except RuntimeError:  # no request bound (cron, shell)
            return None
        if not session or SESSION_REFERRAL_UID_KEY not in session:
            return None
        user = self.env.user
        if not user.share:
            return None
        session_uid = None if user._is_public() else user.id
        if session.uid != session_uid or session[SESSION_REFERRAL_UID_KEY] not in (
            None,
            session_uid,
        ):
            return None
        return session.get(SESSION_REFERRAL_KEY)

    @api.constrains("dms_referral_code")
    def _check_dms_referral_code(self):
        codes = {code for code in self.mapped("dms_referral_code") if code}
        owners = self.env["res.partner"]._dms_distributors_by_code(codes)
        for order in self.filtered("dms_referral_code"):
            if order.dms_referral_code not in owners:
                raise ValidationError(
                    _(
                        "The referral code %(code)s does not belong to an approved "
                        "distributor.",
                        code=order.dms_referral_code,
                    )
                )

    # ------------------------------------------------------------------
    # Salesperson of portal orders
    # ------------------------------------------------------------------
    def _compute_user_id(self):
        """Orders a portal or public user creates get a salesperson too, so
        that Odoo's "my documents" filters and rules see them."""
        res = super()._compute_user_id()
        if self.env.user.share:
            for order in self.filtered(lambda o: o.partner_id and not o.user_id):
                order.user_id = order._dms_portal_salesperson()
        return res

    def _dms_portal_salesperson(self):
        """Salesperson of an order from the portal or a referral, first found:

        1. the account manager (salesperson) of the distributor credited with
           the order, or of the dealer ordering;
        2. the first manager of the order's grid, else of its nearest parent
           grid that has one;
        3. the company's default portal salesperson (Settings).
        Only internal users of the order's company qualify.
        """
        self.ensure_one()
        company = self.company_id or self.env.company

        def qualifies(user):
            return user.active and not user.share and company in user.company_ids

        customer = self.partner_id.commercial_partner_id
        dealer = customer if customer.dms_state == "approved" else None
        for partner in (self.dms_distributor_id, dealer):
            user = partner.sudo().user_id if partner else None
            if user and qualifies(user):
                return user
        grid = (self.dms_grid_id or (dealer or customer.browse()).dms_grid_id).sudo()
        while grid:
            managers = grid.manager_ids.filtered(qualifies)
            if managers:
                return managers[:1]
            grid = grid.parent_id
        return company.sudo().dms_portal_salesperson_id

    @api.onchange("dms_distributor_id")
    def _onchange_dms_distributor_id(self):
        if self.dms_distributor_id and self._origin.dms_distributor_id != (
            self.dms_distributor_id
        ):
            self.dms_attribution_source = "manual"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("dms_referral_code"):
                vals["dms_referral_code"] = vals["dms_referral_code"].strip().upper()
            if vals.get("dms_distributor_id") and not vals.get(
                "dms_attribution_source"
            ):
                vals["dms_attribution_source"] = "manual"
        orders = super().create(vals_list)
        orders._dms_apply_channel()
        return orders

    def write(self, vals):
        if vals.get("dms_referral_code"):
            vals["dms_referral_code"] = vals["dms_referral_code"].strip().upper()
        if vals.get("dms_distributor_id") and "dms_attribution_source" not in vals:
            vals["dms_attribution_source"] = "manual"
        res = super().write(vals)
        if {"dms_distributor_id", "dms_attribution_source", "partner_id"} & set(vals):
            self._dms_apply_channel()
        return res

    def _dms_apply_channel(self):
        """Sales channel and UTM medium / source of the attribution."""
        company_teams = {}
        for order in self.filtered("dms_attribution_source"):
            source = order.dms_attribution_source
            vals = {}
            medium_xmlid = SOURCE_MEDIUMS.get(source)
            if medium_xmlid and not order.medium_id:
                vals["medium_id"] = self.env.ref(medium_xmlid).id
            if order.dms_distributor_id and not order.source_id:
                vals["source_id"] = order.dms_distributor_id._dms_get_utm_source().id
            company = order.company_id
            if company not in company_teams:
                company_teams[company] = {
                    "dealer": company.dms_portal_team_id,
                    "code": company.dms_referral_team_id,
                    "link": company.dms_referral_team_id,
                    "binding": company.dms_referral_team_id,
                }
            team = company_teams[company].get(source)
            if team and order.team_id != team and order.state in ("draft", "sent"):
                vals["team_id"] = team.id
            if vals:
                order.write(vals)

    def _action_confirm(self):
        res = super()._action_confirm()
        self._dms_bind_customers()
        return res

    # ------------------------------------------------------------------
    # Dealer quick order
    # ------------------------------------------------------------------
    @api.model
    def _dms_create_quick_order(self, dealer, contact, lines):
        """Create a dealer's quick order: [(product, quantity)] at tier prices.

        Checks the tier's minimum amount before writing anything, completes
        the order (``_dms_finalize_quick_order``: the automatic promotions of
        the promotions add-on), and confirms when the company says so.
        """
        company = dealer._dms_company()
        pricelist = dealer.with_company(company).property_product_pricelist
        minimum = dealer.dms_tier_id.min_order_amount
        if minimum:
            amount = 0.0
            for product, quantity in lines:
                price = (
                    pricelist._get_product_price(product, quantity)
                    if pricelist
                    else product.lst_price
                )
                amount += price * quantity
            currency = pricelist.currency_id or company.currency_id
            if currency.compare_amounts(amount, minimum) < 0:
                raise UserError(
                    _(
                        "Your tier's minimum order is %(minimum)s; this order "
                        "comes to %(amount)s before taxes.",
                        minimum=currency.format(minimum),
                        amount=currency.format(amount),
                    )
                )
        order = self.with_company(company).create(
            {
                "partner_id": dealer.id,
                "company_id": company.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
            }
        )
        # whoever runs this (portal user under sudo, a test, a cron), the
        # salesperson follows the portal precedence
        order.user_id = order._dms_portal_salesperson()
        order._dms_finalize_quick_order()
        order.message_subscribe(partner_ids=contact.ids)
        if company.dms_portal_order_confirm:
            order.action_confirm()
        else:
            # waits for approval, listed in the dealer's portal quotations
            order.action_quotation_sent()
        return order

    def _dms_finalize_quick_order(self):
        """Hook: complete new quick orders before they are confirmed or sent
        for approval. Nothing in the core; the promotions add-on claims the
        automatic rewards here."""

    # ------------------------------------------------------------------
    # Customer binding
    # ------------------------------------------------------------------
    def _dms_bind_customers(self):
        """Bind a customer to the distributor whose referral first brought it."""
        today = self.company_id[:1]._dms_today()
        to_bind = {}
        for order in self:
            days = order.company_id.dms_binding_days
            customer = order.partner_id.commercial_partner_id
            if (
                days
                and order.dms_attribution_source in ("code", "link")
                and not customer.dms_state
                and not (
                    customer.dms_bound_distributor_id
                    and customer.dms_bound_until
                    and customer.dms_bound_until >= today
                )
            ):
                key = (order.dms_distributor_id, days)
                to_bind.setdefault(key, self.env["res.partner"])
                to_bind[key] |= customer
        for (distributor, days), customers in to_bind.items():
            customers.sudo().write(
                {
                    "dms_bound_distributor_id": distributor.id,
                    "dms_bound_until": fields.Date.add(today, days=days),
                }
            )
