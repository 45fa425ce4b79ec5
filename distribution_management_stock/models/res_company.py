from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dms_dealer_stock_min_days = fields.Integer(
        string="Dealer Low Stock (days of cover)",
        default=7,
        help="A product a dealer reports is low when its stock covers fewer days "
        "of the dealer's sell-through: the account manager gets an activity and "
        "the dealer a reorder suggestion.",
    )
    dms_dealer_stock_target_days = fields.Integer(
        string="Dealer Reorder Target (days of cover)",
        default=14,
        help="The reorder suggested to a dealer restores this many days of their "
        "sell-through.",
    )

    @api.constrains("dms_dealer_stock_min_days", "dms_dealer_stock_target_days")
    def _check_dms_dealer_stock_days(self):
        for company in self:
            if company.dms_dealer_stock_min_days < 1:
                raise ValidationError(
                    _("The dealer low stock threshold must be at least one day.")
                )
            if company.dms_dealer_stock_target_days < company.dms_dealer_stock_min_days:
                raise ValidationError(
                    _(
                        "The dealer reorder target cannot be below the low stock "
                        "threshold."
                    )
                )
