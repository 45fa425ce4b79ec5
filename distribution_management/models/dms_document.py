from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .dms_state_guard import state_action


class DmsDocumentType(models.Model):
    _name = "dms.document.type"
    _description = "Qualification Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    required = fields.Boolean(
        string="Required for Approval",
        help="An application cannot be approved without an accepted, unexpired "
        "document of this type.",
    )
    requires_expiry = fields.Boolean(string="Has an Expiry Date")
    description = fields.Text(translate=True, string="Review Checklist")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use this type in every company."
    )


class DmsDocument(models.Model):
    _name = "dms.document"
    _description = "Qualification Document"
    _inherit = ["mail.thread", "dms.state.guard.mixin"]
    _dms_state_fields = ("review_state",)
    _order = "partner_id, type_id, id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Distributor",
        required=True,
        index=True,
        ondelete="cascade",
    )
    type_id = fields.Many2one("dms.document.type", required=True, ondelete="restrict")
    name = fields.Char(string="Number / Reference")
    expiry_date = fields.Date(tracking=True)
    # Chinese business licences often read 长期 (long-term): valid without
    # limit, which is not the same as an expiry date nobody entered
    no_expiry = fields.Boolean(
        string="No Expiry (Long-term)",
        tracking=True,
        help="The document is valid without limit: it has no expiry date and "
        "never expires.",
    )
    attachment_id = fields.Many2one("ir.attachment", string="File", ondelete="set null")
    attachment_name = fields.Char(related="attachment_id.name", string="File Name")
    review_state = fields.Selection(
        [
            ("to_review", "To Review"),
            ("accepted", "Accepted"),
            ("refused", "Refused"),
        ],
        default="to_review",
        required=True,
        tracking=True,
    )
    checklist = fields.Text(related="type_id.description", string="Review Checklist")
    review_note = fields.Char()
    reviewer_id = fields.Many2one("res.users", readonly=True)
    review_date = fields.Datetime(readonly=True)
    is_expired = fields.Boolean(compute="_compute_is_expired")
    # grid scoping: an indexed stored many2one on the protected record
    dms_grid_id = fields.Many2one(
        related="partner_id.dms_grid_id", store=True, index=True, string="Grid"
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        index=True,
    )

    @api.depends("partner_id.company_id")
    def _compute_company_id(self):
        for document in self:
            document.company_id = document.partner_id.company_id

    @api.depends("expiry_date", "no_expiry")
    def _compute_is_expired(self):
        today = self.env.company._dms_today()
        for document in self:
            document.is_expired = bool(
                not document.no_expiry
                and document.expiry_date
                and document.expiry_date < today
            )

    @api.onchange("no_expiry")
    def _onchange_no_expiry(self):
        if self.no_expiry:
            self.expiry_date = False

    @api.constrains("no_expiry", "expiry_date")
    def _check_no_expiry(self):
        if self.filtered(lambda d: d.no_expiry and d.expiry_date):
            raise ValidationError(
                _("A long-term document (No Expiry) cannot have an expiry date.")
            )

    @api.depends("type_id", "name")
    def _compute_display_name(self):
        for document in self:
            parts = [document.type_id.name or "", document.name or ""]
            document.display_name = " ".join(p for p in parts if p)

    @state_action
    def _set_review(self, state):
        if self.filtered(lambda d: d.review_state == state):
            raise UserError(_("Some of these documents already have that status."))
        self.write(
            {
                "review_state": state,
                "reviewer_id": self.env.user.id,
                "review_date": fields.Datetime.now(),
            }
        )

    def action_accept(self):
        """A document is accepted with its file, unexpired, and with its
        expiry date when its type has one (unless long-term)."""
        checks = (
            (
                lambda d: d.is_expired,
                _("The document %(document)s has expired and cannot be accepted."),
            ),
            (
                lambda d: not d.attachment_id,
                _("Attach the file of %(document)s before accepting it."),
            ),
            (
                lambda d: (
                    d.type_id.requires_expiry and not (d.expiry_date or d.no_expiry)
                ),
                _("Enter the expiry date of %(document)s before accepting it."),
            ),
        )
        for failing, message in checks:
            wrong = self.filtered(failing)
            if wrong:
                raise UserError(message % {"document": wrong[0].display_name})
        self._set_review("accepted")
        return True

    def action_refuse(self):
        self._set_review("refused")
        return True

    def action_reset(self):
        self._set_review("to_review")
        return True
