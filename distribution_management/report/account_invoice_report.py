from odoo import api, fields, models
from odoo.tools import SQL


class AccountInvoiceReport(models.Model):
    _inherit = "account.invoice.report"

    _depends = {"account.move": ["dms_grid_id"]}

    dms_grid_id = fields.Many2one("dms.grid", string="Grid", readonly=True)

    @api.model
    def _select(self) -> SQL:
        return SQL("%s, move.dms_grid_id AS dms_grid_id", super()._select())
