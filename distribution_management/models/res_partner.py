import re
import secrets

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .dms_state_guard import state_action

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERRAL_RE = re.compile(r"^[A-Z0-9]{4,20}$")
ADDRESS_FIELDS = {
    "country_id",
    "state_id",
    "city",
    "zip",
    "partner_latitude",
    "partner_longitude",
}
DMS_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("suspended", "Suspended"),
    ("terminated", "Terminated"),
]
# allowed transitions: target state -> states it can be reached from
DMS_TRANSITIONS = {
    "draft": ("rejected",),
    "submitted": ("draft",),
    "approved": ("submitted", "suspended"),
    "rejected": ("submitted",),
    "suspended": ("approved",),
    "terminated": ("approved", "suspended"),
}


# a phone number as customers type it: digits, spaces, dashes, brackets
PHONE_RE = re.compile(r"\+?[\d\s()-]{6,25}")


class ResPartner(models.Model):
    _inherit = "res.partner"

    dms_state = fields.Selection(
        DMS_STATES,
        string="Distributor Status",
        tracking=True,
        index=True,
        copy=False,
        help="Empty for partners that are not distributors.",
    )
    dms_state_reason = fields.Text(string="Status Reason", tracking=True, copy=False)
    dms_tier_id = fields.Many2one(
        "dms.tier", string="Tier", tracking=True, index=True, ondelete="restrict"
    )
    dms_pricelist_manual = fields.Boolean(
        string="Manual Pricelist",
        help="Keep the pricelist set on the partner: tier changes do not replace it.",
    )
    dms_bound_distributor_id = fields.Many2one(
        "res.partner",
        string="Bound to Distributor",
        index=True,
        copy=False,
        ondelete="set null",
        help="Distributor credited with this customer's orders until the binding ends.",
    )
    dms_bound_until = fields.Date(string="Binding Ends", copy=False)
    dms_utm_source_id = fields.Many2one(
        "utm.source",
        string="UTM Source",
        copy=False,
        readonly=True,
        help="Source recorded on the orders this distributor brings.",
    )
    dms_tier_locked = fields.Boolean(
        string="Lock Tier",
        help="Keep the tier as set: the nightly evaluation leaves it alone.",
    )
    dms_parent_id = fields.Many2one(
        "res.partner",
        string="Upline",
        tracking=True,
        index=True,
        ondelete="restrict",
        copy=False,
        domain="[('dms_state', '=', 'approved'), ('id', '!=', id)]",
    )
    dms_child_ids = fields.One2many(
        "res.partner", "dms_parent_id", string="Direct Downline"
    )
    dms_level = fields.Integer(
        string="Network Level",
        compute="_compute_dms_level",
        store=True,
        recursive=True,
        help="1 for a distributor without upline, 2 below it, 3 below that.",
    )
    dms_downline_count = fields.Integer(compute="_compute_dms_downline_count")
    dms_grid_id = fields.Many2one(
        "dms.grid",
        string="Grid",
        tracking=True,
        index=True,
        ondelete="restrict",
    )
    dms_grid_manual = fields.Boolean(
        string="Grid Set Manually",
        copy=False,
        help="The grid was chosen by hand: address changes do not re-assign it.",
    )
    dms_grid_ambiguous = fields.Boolean(string="Ambiguous Grid", copy=False)
    dms_grid_match_info = fields.Char(string="Grid Matching", copy=False)
    dms_referral_code = fields.Char(
        string="Referral Code", copy=False, index=True, tracking=True
    )
    dms_currency_id = fields.Many2one(
        "res.currency", compute="_compute_dms_currency_id"
    )
    dms_exclusive_grid = fields.Boolean(
        string="Exclusive Grid",
        tracking=True,
        help="No other distributor may be approved in this grid.",
    )
    dms_annual_target = fields.Monetary(
        string="Annual Target", currency_field="dms_currency_id", tracking=True
    )
    dms_contract_start = fields.Date(string="Contract Start", tracking=True)
    dms_contract_end = fields.Date(string="Contract End", tracking=True)
    dms_contract_note = fields.Text(string="Contract Terms")
    dms_document_ids = fields.One2many(
        "dms.document", "partner_id", string="Qualification Documents"
    )
    dms_checklist_ok = fields.Boolean(
        string="Documents Complete", compute="_compute_dms_checklist"
    )
    dms_checklist_missing = fields.Char(
        string="Missing Documents", compute="_compute_dms_checklist"
    )
    dms_applied_on = fields.Datetime(string="Applied On", copy=False, readonly=True)
    dms_approved_on = fields.Datetime(string="Approved On", copy=False, readonly=True)
    dms_approved_by_id = fields.Many2one(
        "res.users", string="Approved By", copy=False, readonly=True
    )
    dms_application_note = fields.Text(string="Application Message", copy=False)
    dms_rolling_sales = fields.Monetary(
        string="Rolling Sales",
        currency_field="dms_currency_id",
        compute="_compute_dms_rolling_sales",
        help="Invoiced untaxed sales net of refunds over the tier evaluation window.",
    )

    _sql_constraints = [
        (
            "dms_referral_code_uniq",
            "unique(dms_referral_code)",
            "This referral code is already used by another distributor.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("dms_parent_id.dms_level")
    def _compute_dms_level(self):
        for partner in self:
            level, node, seen = 0, partner, set()
            if partner.dms_state:
                while node and node.id not in seen:
                    seen.add(node.id)
                    level += 1
                    node = node.dms_parent_id
            partner.dms_level = level

    def _compute_dms_downline_count(self):
        groups = self._read_group(
            [("dms_parent_id", "in", self.ids)], ["dms_parent_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dms_downline_count = counts.get(partner.id, 0)

    @api.depends("company_id")
    def _compute_dms_currency_id(self):
        for partner in self:
            partner.dms_currency_id = (partner._dms_company()).currency_id

    @api.depends(
        "dms_document_ids.review_state",
        "dms_document_ids.expiry_date",
        "dms_document_ids.no_expiry",
        "dms_document_ids.type_id",
    )
    def _compute_dms_checklist(self):
        required = self.env["dms.document.type"].search([("required", "=", True)])
        for partner in self:
            company = partner._dms_company()
            types = required.filtered(
                lambda t, c=company: not t.company_id or t.company_id == c
            )
            accepted = partner.dms_document_ids.filtered(
                lambda d: d.review_state == "accepted" and not d.is_expired
            ).type_id
            missing = types - accepted
            partner.dms_checklist_ok = not missing
            partner.dms_checklist_missing = ", ".join(missing.mapped("name"))

    def _compute_dms_rolling_sales(self):
        distributors = self.filtered(lambda p: p.dms_state and p.id)
        sales = self.env["dms.tier"]._dms_rolling_sales(distributors)
        for partner in self:
            partner.dms_rolling_sales = sales.get(partner.id, 0.0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("dms_parent_id", "dms_state")
    def _check_dms_network(self):
        for partner in self.filtered("dms_parent_id"):
            if not partner.dms_state:
                raise ValidationError(
                    _(
                        "Only distributors can have an upline (%(partner)s).",
                        partner=partner.display_name,
                    )
                )
            chain, node = [], partner
            while node:
                if node in chain:
                    raise ValidationError(
                        _(
                            "%(partner)s cannot be in its own upline.",
                            partner=partner.display_name,
                        )
                    )
                chain.append(node)
                node = node.dms_parent_id
            max_depth = partner._dms_company().dms_max_depth
            depth = len(chain) + partner._dms_downline_height()
            if depth > max_depth:
                raise ValidationError(
                    _(
                        "A distributor network may have at most %(max)s levels: "
                        "placing %(partner)s under %(upline)s would make %(depth)s.",
                        max=max_depth,
                        partner=partner.display_name,
                        upline=partner.dms_parent_id.display_name,
                        depth=depth,
                    )
                )

    def _dms_company(self):
        """The partner's company, or the current one for shared partners."""
        self.ensure_one()
        return self.company_id or self.env.company

    def _dms_downline_height(self):
        """Number of levels below this partner (0 without downline)."""
        self.ensure_one()
        height, level, seen = 0, self.dms_child_ids, set(self.ids)
        while level:
            level = level.filtered(lambda p: p.id not in seen)
            if not level:
                break
            seen.update(level.ids)
            height += 1
            level = level.dms_child_ids
        return height

    @api.constrains("dms_referral_code")
    def _check_dms_referral_code(self):
        for partner in self.filtered("dms_referral_code"):
            if not REFERRAL_RE.match(partner.dms_referral_code):
                raise ValidationError(
                    _(
                        "The referral code %(code)s is not valid: use 4 to 20 "
                        "upper-case letters or digits.",
                        code=partner.dms_referral_code,
                    )
                )

    @api.constrains("dms_contract_start", "dms_contract_end")
    def _check_dms_contract_dates(self):
        for partner in self:
            if (
                partner.dms_contract_start
                and partner.dms_contract_end
                and partner.dms_contract_end < partner.dms_contract_start
            ):
                raise ValidationError(
                    _(
                        "The contract of %(partner)s ends before it starts.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("dms_state", "dms_grid_id", "dms_exclusive_grid")
    def _check_dms_exclusive_grid(self):
        approved = self.filtered(lambda p: p.dms_state == "approved" and p.dms_grid_id)
        if not approved:
            return
        groups = self._read_group(
            [
                ("dms_state", "=", "approved"),
                ("dms_grid_id", "in", approved.dms_grid_id.ids),
            ],
            ["dms_grid_id"],
            ["id:count", "dms_exclusive_grid:bool_or"],
        )
        for grid, count, exclusive in groups:
            if count > 1 and exclusive:
                raise ValidationError(
                    _(
                        "The grid %(grid)s is held exclusively by a distributor: "
                        "no other distributor can be approved in it.",
                        grid=grid.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: automatic grid assignment
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        to_match = []
        for vals in vals_list:
            if vals.get("dms_referral_code"):
                vals["dms_referral_code"] = vals["dms_referral_code"].strip().upper()
            if vals.get("dms_grid_id"):
                vals.setdefault("dms_grid_manual", True)
            elif any(vals.get(field) for field in ADDRESS_FIELDS):
                to_match.append(vals)
        # match before creating, so that record rules see the final grid
        if to_match:
            new_partners = [self.new(vals) for vals in to_match]
            matches = self.env["dms.grid"]._match_partners(new_partners)
            for vals, new_partner in zip(to_match, new_partners, strict=True):
                vals.update(self._dms_grid_vals(*matches[new_partner]))
        partners = super().create(vals_list)
        partners.filtered(
            lambda p: p.dms_grid_ambiguous and p.dms_state
        )._dms_post_ambiguity()
        partners.filtered("dms_tier_id")._dms_apply_tier_pricelist()
        return partners

    def write(self, vals):
        if vals.get("dms_referral_code"):
            vals["dms_referral_code"] = vals["dms_referral_code"].strip().upper()
        if "dms_grid_id" in vals and not self.env.context.get("dms_grid_auto"):
            vals["dms_grid_manual"] = bool(vals["dms_grid_id"])
            vals.setdefault("dms_grid_ambiguous", False)
            vals.setdefault("dms_grid_match_info", False)
        res = super().write(vals)
        if ADDRESS_FIELDS & set(vals) and "dms_grid_id" not in vals:
            self.filtered(lambda p: not p.dms_grid_manual)._dms_assign_grid()
        if (
            (ADDRESS_FIELDS | {"dms_grid_id", "parent_id", "user_id"}) & set(vals)
            and not self.env.su
            and self.env.user._dms_is_grid_scoped()
        ):
            # a grid manager cannot move a partner (by its grid or its address)
            # out of their grids
            self._dms_check_partner_scope()
        if {"dms_tier_id", "dms_pricelist_manual"} & set(vals):
            self._dms_apply_tier_pricelist()
        return res

    def _dms_check_partner_scope(self):
        try:
            self.check_access("write")
        except AccessError:
            raise AccessError(
                _(
                    "You manage the grids %(grids)s only: this change would move "
                    "%(partner)s to another grid.",
                    grids=self.env.user._dms_grid_names(),
                    partner=", ".join(self.sudo().mapped("display_name")),
                )
            ) from None

    def _dms_apply_tier_pricelist(self):
        """Give each distributor its tier's pricelist, unless set by hand."""
        groups = {}
        for partner in self:
            pricelist = partner.dms_tier_id.pricelist_id
            if partner.dms_pricelist_manual or not pricelist:
                continue
            company = partner.company_id or partner.dms_tier_id.company_id
            groups.setdefault((company, pricelist), self.browse())
            groups[(company, pricelist)] |= partner
        for (company, pricelist), partners in groups.items():
            partners = partners.with_company(company)
            stale = partners.filtered(
                lambda p, pl=pricelist: p.property_product_pricelist != pl
            )
            stale.write({"property_product_pricelist": pricelist.id})

    @api.model
    def _dms_grid_vals(self, grid, tied):
        """Values that record the outcome of grid matching."""
        if tied:
            return {
                "dms_grid_id": False,
                "dms_grid_ambiguous": True,
                "dms_grid_match_info": _(
                    "Ambiguous: %(grids)s",
                    grids=", ".join(tied.mapped("complete_name")),
                ),
                "dms_grid_manual": False,
            }
        return {
            "dms_grid_id": grid.id,
            "dms_grid_ambiguous": False,
            "dms_grid_match_info": False,
            "dms_grid_manual": False,
        }

    def _dms_post_ambiguity(self):
        for partner in self:
            partner.message_post(
                body=_(
                    "No grid was assigned: the address matches several grids "
                    "equally well (%(info)s). Choose one by hand.",
                    info=partner.dms_grid_match_info,
                )
            )

    def _dms_assign_grid(self):
        """Match each partner to its most specific grid.

        Ambiguous matches are not resolved: the partner keeps no grid, is
        flagged and, for distributors, the tie is posted in its chatter.
        Returns counts per outcome.
        """
        stats = {"assigned": 0, "ambiguous": 0, "unmatched": 0}
        if not self:
            return stats
        matches = self.env["dms.grid"]._match_partners(self)
        by_vals = {}
        for partner in self:
            grid, tied = matches[partner]
            outcome = "assigned" if grid else "ambiguous" if tied else "unmatched"
            stats[outcome] += 1
            vals = self._dms_grid_vals(grid, tied)
            by_vals.setdefault(tuple(sorted(vals.items())), self.browse())
            by_vals[tuple(sorted(vals.items()))] |= partner
        for vals, partners in by_vals.items():
            partners.with_context(dms_grid_auto=True).write(dict(vals))
        self.filtered(
            lambda p: p.dms_grid_ambiguous and p.dms_state
        )._dms_post_ambiguity()
        return stats

    def action_dms_reassign_grid(self):
        """Re-run grid matching on the selection, manual choices included."""
        stats = self._dms_assign_grid()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Grid re-assignment"),
                "message": _(
                    "%(assigned)s assigned, %(ambiguous)s ambiguous (left without "
                    "grid, see the Ambiguous Grid filter), %(unmatched)s without "
                    "matching grid.",
                    **stats,
                ),
                "type": "warning" if stats["ambiguous"] else "success",
                "sticky": bool(stats["ambiguous"]),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _dms_check_transition(self, target):
        allowed = DMS_TRANSITIONS[target]
        labels = dict(self._fields["dms_state"]._description_selection(self.env))
        for partner in self:
            if partner.dms_state not in allowed:
                raise UserError(
                    _(
                        "%(partner)s is %(state)s and cannot become %(target)s.",
                        partner=partner.display_name,
                        state=labels.get(partner.dms_state, _("not a distributor")),
                        target=labels[target],
                    )
                )

    def action_dms_make_distributor(self):
        if self.filtered("dms_state"):
            raise UserError(_("These partners are already distributors."))
        self.write({"dms_state": "draft"})
        return True

    def action_dms_submit(self):
        self._dms_check_transition("submitted")
        self.write({"dms_state": "submitted", "dms_applied_on": fields.Datetime.now()})
        return True

    def action_dms_approve(self):
        self._dms_check_transition("approved")
        to_review = self.filtered(lambda p: p.dms_state == "submitted")
        without_email = to_review.filtered(
            lambda p: not p.email and p._dms_company().dms_grant_portal_on_approval
        )
        if without_email:
            raise UserError(
                _(
                    "%(partner)s needs an email address to receive portal access.",
                    partner=without_email[0].display_name,
                )
            )
        for partner in to_review:
            if not partner.dms_checklist_ok:
                raise UserError(
                    _(
                        "%(partner)s cannot be approved: these qualification "
                        "documents are missing, not accepted or expired: "
                        "%(missing)s.",
                        partner=partner.display_name,
                        missing=partner.dms_checklist_missing,
                    )
                )
        for partner in self:
            vals = {"dms_state": "approved", "dms_state_reason": False}
            if partner in to_review:
                vals.update(
                    dms_approved_on=fields.Datetime.now(),
                    dms_approved_by_id=self.env.user.id,
                )
                company = partner._dms_company()
                if not partner.dms_tier_id:
                    vals["dms_tier_id"] = (
                        company.dms_default_tier_id
                        or self.env["dms.tier"].search(
                            [("company_id", "=", company.id)], limit=1
                        )
                    ).id
                if not partner.dms_referral_code:
                    vals["dms_referral_code"] = self._dms_new_referral_code()
            partner.write(vals)
        to_review._dms_grant_portal()
        return True

    def _dms_grant_portal(self):
        partners = self.filtered(
            lambda p: p._dms_company().dms_grant_portal_on_approval
        )
        if not partners:
            return
        wizard = (
            self.env["portal.wizard"]
            .sudo()
            .create({"partner_ids": [Command.set(partners.ids)]})
        )
        for wizard_user in wizard.user_ids:
            if not (wizard_user.is_portal or wizard_user.is_internal):
                wizard_user.action_grant_access()

    def _dms_revoke_portal(self):
        users = self.sudo().user_ids.filtered(lambda u: u.share and u.active)
        if users:
            wizard = (
                self.env["portal.wizard"]
                .sudo()
                .create({"partner_ids": [Command.set(users.partner_id.ids)]})
            )
            for wizard_user in wizard.user_ids.filtered("is_portal"):
                wizard_user.action_revoke_access()

    def _dms_get_utm_source(self):
        """The UTM source of this distributor, created on first use."""
        self.ensure_one()
        if not self.dms_utm_source_id:
            self.sudo().dms_utm_source_id = (
                self.env["utm.source"]
                .sudo()
                .create({"name": f"{self.name} [{self.dms_referral_code or self.id}]"})
            )
        return self.dms_utm_source_id

    @api.model
    def _dms_distributors_by_code(self, codes):
        """{referral code: approved distributor} for ``codes`` (one query)."""
        codes = [code.strip().upper() for code in codes if code]
        if not codes:
            return {}
        distributors = self.sudo().search(
            [("dms_referral_code", "in", codes), ("dms_state", "=", "approved")]
        )
        return {p.dms_referral_code: p.sudo(False) for p in distributors}

    def _dms_referral_contact(self, post):
        """Record the contact a customer left on the landing page of this
        dealer: a lead when CRM is installed, otherwise a customer bound to
        the dealer for the company's binding days. Refuses bad input."""
        keys = ("name", "phone", "message")
        name, phone, note = ((post.get(key) or "").strip() for key in keys)
        if not 0 < len(name) <= 80 or len(note) > 1000:
            raise UserError(
                _("Give your name (at most 80 characters) and a shorter message.")
            )
        if not PHONE_RE.fullmatch(phone) or sum(map(str.isdigit, phone)) < 6:
            raise UserError(_("%(phone)s is not a phone number.", phone=phone[:25]))
        company = self._dms_company()
        vals = {"phone": phone, "company_id": company.id}
        if "crm.lead" in self.env:
            label = _("%(name)s, referred by %(dealer)s", name=name, dealer=self.name)
            vals.update(
                name=label, contact_name=name, description=note, referred=self.name
            )
            return self.env["crm.lead"].sudo().create(vals)
        if days := company.dms_binding_days:
            until = fields.Date.add(company._dms_today(), days=days)
            vals.update(dms_bound_distributor_id=self.id, dms_bound_until=until)
        return self.sudo().create(dict(vals, name=name, comment=note))

    @api.model
    def _dms_new_referral_code(self):
        for _attempt in range(20):
            code = "".join(secrets.choice(REFERRAL_ALPHABET) for _i in range(8))
            if (
                not self.sudo()
                .with_context(active_test=False)
                .search_count([("dms_referral_code", "=", code)], limit=1)
            ):
                return code
        raise UserError(_("Could not generate a unique referral code, try again."))

    def _dms_apply_transition(self, target, reason=None):
        """Transitions that take a reason (reject, suspend, terminate)."""
        self._dms_check_transition(target)
        if target in ("rejected", "suspended", "terminated") and not (
            reason and reason.strip()
        ):
            raise UserError(_("Please give a reason."))
        self.write({"dms_state": target, "dms_state_reason": reason})
        if target == "terminated":
            self._dms_revoke_portal()

    def action_dms_reactivate(self):
        self._dms_check_transition("approved")
        if self.filtered(lambda p: p.dms_state != "suspended"):
            raise UserError(_("Only suspended distributors can be reactivated."))
        return self.action_dms_approve()

    def action_dms_reset_to_draft(self):
        self._dms_check_transition("draft")
        self.write({"dms_state": "draft", "dms_state_reason": False})
        return True

    def _dms_open_reason_wizard(self, target):
        self._dms_check_transition(target)
        return {
            "type": "ir.actions.act_window",
            "res_model": "dms.state.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_ids": [Command.set(self.ids)],
                "default_target_state": target,
            },
        }

    def action_dms_reject(self):
        return self._dms_open_reason_wizard("rejected")

    def action_dms_suspend(self):
        return self._dms_open_reason_wizard("suspended")

    def action_dms_terminate(self):
        return self._dms_open_reason_wizard("terminated")

    def action_dms_view_downline(self):
        self.ensure_one()
        return self._dms_distributor_action("dms_parent_id", self.id)

    @api.model
    def _dms_distributor_action(self, field, value, operator="="):
        """The Distributors action filtered on ``field``, creating with it."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "distribution_management.action_dms_distributor"
        )
        action["domain"] = [("dms_state", "!=", False), (field, operator, value)]
        action["context"] = {
            "default_dms_state": "draft",
            "default_is_company": True,
            f"default_{field}": value,
        }
        return action

    # ------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------
    @api.model
    def _dms_net_invoiced_sales(
        self, partners, date_from, date_to, company, products=None, categories=None
    ):
        """Net invoiced sales: the ONE definition shared by the tier evaluation
        and the rebate basis. ``{partner id: (amount, quantity)}`` for the
        commercial ``partners`` (every id present, 0 when nothing sold).

        - posted customer invoices minus posted customer credit notes of
          ``company``, journal items dated ``date_from`` to ``date_to``
          (both included, accounting dates);
        - product lines only (no taxes, no payment terms), the amount is the
          opposite of their balance: untaxed, in company currency at the rate
          of each invoice; the quantity is in the products' units;
        - optionally only ``products`` or products of ``categories`` (and
          their sub-categories);
        - entries that are not sales are left out by the conditions of
          :meth:`_dms_net_sales_exclusions` (none in core; the rebate add-on
          leaves out its credit notes, so a rebate payout never lowers the
          tier of the dealer who earned it). Credit notes of returned goods
          do lower it.

        One aggregate query for all partners.
        """
        partner_ids = list(partners.ids if hasattr(partners, "ids") else partners)
        result = dict.fromkeys(partner_ids, (0.0, 0.0))
        if not partner_ids:
            return result
        # the query reads journal items' partner, dates, amounts, products
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(["move_type"])
        exclusions = self._dms_net_sales_exclusions()
        scope = SQL("TRUE")
        if products or categories:
            categ_ids = (
                self.env["product.category"]
                .sudo()
                .search([("id", "child_of", categories.ids)])
                .ids
                if categories
                else []
            )
            scope = SQL(
                "(aml.product_id = ANY(%s) OR pt.categ_id = ANY(%s))",
                products.ids if products else [],
                categ_ids,
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.partner_id,
                       -SUM(aml.balance),
                       SUM(CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                           * aml.quantity
                           * COALESCE(pu.factor / NULLIF(lu.factor, 0), 1))
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
             LEFT JOIN product_product pp ON pp.id = aml.product_id
             LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             LEFT JOIN uom_uom lu ON lu.id = aml.product_uom_id
             LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE aml.partner_id = ANY(%(partners)s)
                   AND aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND aml.display_type = 'product'
                   AND %(exclusions)s
                   AND aml.date BETWEEN %(date_from)s AND %(date_to)s
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND %(scope)s
              GROUP BY aml.partner_id
                """,
                partners=partner_ids,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                scope=scope,
                exclusions=SQL(" AND ").join(exclusions) if exclusions else SQL("TRUE"),
            )
        )
        currency = company.currency_id
        for partner_id, amount, quantity in self.env.cr.fetchall():
            result[partner_id] = (currency.round(amount or 0.0), quantity or 0.0)
        return result

    @api.model
    def _dms_net_sales_exclusions(self):
        """Hook of :meth:`_dms_net_invoiced_sales`: the journal items that are
        not sales although they are product lines of customer invoices or
        credit notes. A list of ``SQL`` conditions a journal item must meet to
        count, on the aliases ``aml`` (``account_move_line``) and ``move``
        (its ``account_move``), joined with AND; empty in core (every such
        item counts). An add-on extends the list and flushes the fields its
        conditions read."""
        return []

    def _dms_evaluate_tier(self, date_to=None):
        """Move each distributor to the tier its rolling sales reach."""
        if not self:
            return
        sales = self.env["dms.tier"]._dms_rolling_sales(self, date_to=date_to)
        tiers_by_company = {}
        moves = {}
        for partner in self:
            company = partner._dms_company()
            if company not in tiers_by_company:
                tiers_by_company[company] = (
                    self.env["dms.tier"]
                    .sudo()
                    .search([("company_id", "=", company.id)])
                )
            tiers = tiers_by_company[company]
            current = partner.dms_tier_id
            target = tiers._dms_target_tier(current, sales[partner.id])
            if target and target != current:
                moves.setdefault(target, []).append((partner, current))
        for target, items in moves.items():
            partners = self.browse([p.id for p, _current in items])
            partners.write({"dms_tier_id": target.id})
            for partner, current in items:
                upgrade = not current or (target.sequence, target.id) > (
                    current.sequence,
                    current.id,
                )
                partner.message_post(
                    body=_(
                        "Tier %(direction)s from %(old)s to %(new)s by the nightly "
                        "evaluation: rolling sales %(sales)s (upgrade threshold "
                        "%(up)s, downgrade threshold %(down)s).",
                        direction=_("upgraded") if upgrade else _("downgraded"),
                        old=current.name or _("none"),
                        new=target.name,
                        sales=f"{sales[partner.id]:,.2f}",
                        up=f"{target.upgrade_threshold:,.2f}",
                        down=f"{(current or target).downgrade_threshold:,.2f}",
                    )
                )


class ResPartnerStateGuard(models.Model):
    """The distributor status changes only through its buttons: approving
    checks the documents, gives the tier, referral code and portal access; a
    direct write of ``dms_state`` (RPC, import, create) is refused, see
    ``dms.state.guard.mixin``."""

    _name = "res.partner"
    _inherit = ["res.partner", "dms.state.guard.mixin"]
    _dms_state_fields = ("dms_state",)

    def _dms_initial_states(self, fname):
        # a new partner is no distributor, or a draft one ("New distributor")
        return {False, "draft"}

    @state_action
    def action_dms_make_distributor(self):
        return super().action_dms_make_distributor()

    @state_action
    def action_dms_submit(self):
        return super().action_dms_submit()

    @state_action
    def action_dms_approve(self):
        return super().action_dms_approve()

    @state_action
    def action_dms_reset_to_draft(self):
        return super().action_dms_reset_to_draft()

    @state_action
    def _dms_apply_transition(self, target, reason=None):
        return super()._dms_apply_transition(target, reason=reason)
