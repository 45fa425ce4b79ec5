from odoo import fields, models


class DmsAnnouncementRead(models.Model):
    _name = "dms.announcement.read"
    _description = "Announcement Read Receipt"
    _order = "read_date desc, id desc"
    _rec_name = "partner_id"

    announcement_id = fields.Many2one(
        "dms.announcement",
        required=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        ondelete="cascade",
        help="The distributor (company) the reader works for.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Opened By",
        ondelete="set null",
        help="The portal user who opened the announcement first.",
    )
    read_date = fields.Datetime(
        string="Read On", required=True, default=fields.Datetime.now
    )
    company_id = fields.Many2one(
        related="announcement_id.company_id", store=True, index=True
    )
    dms_grid_id = fields.Many2one(
        related="partner_id.dms_grid_id",
        string="Grid",
        store=True,
        index=True,
        help="Grid of the dealer, for the record rules of grid managers.",
    )

    _sql_constraints = [
        (
            "announcement_partner_uniq",
            "unique(announcement_id, partner_id)",
            "A dealer has one read receipt per announcement.",
        ),
    ]
