import base64
import binascii

from odoo import _, fields, models
from odoo.exceptions import UserError


class DmsDealerStockImportWizard(models.TransientModel):
    """Import a dealer's stock report from the same XLSX/CSV file dealers
    upload in the portal."""

    _name = "dms.dealer.stock.import.wizard"
    _description = "Import a Dealer Stock Report"

    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        domain="[('dms_state', '=', 'approved')]",
    )
    date = fields.Date(
        required=True, default=lambda self: self.env.company._dms_today()
    )
    file = fields.Binary(attachment=False)
    filename = fields.Char()
    template_file = fields.Binary(
        string="Template", readonly=True, default=lambda self: self._default_template()
    )
    template_filename = fields.Char(
        default=lambda self: _("dealer_stock_template.xlsx")
    )

    def _default_template(self):
        content = self.env["dms.dealer.stock.report"]._template_xlsx(self.env.company)
        return base64.b64encode(content)

    def action_import(self):
        self.ensure_one()
        try:
            content = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError):
            raise UserError(_("The file could not be read.")) from None
        Report = self.env["dms.dealer.stock.report"]
        company = self.partner_id._dms_company()
        lines = Report._parse_upload(content, self.filename, company)
        report = Report._create_report(
            self.partner_id, lines, date=self.date, source="import"
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dms.dealer.stock.report",
            "view_mode": "form",
            "res_id": report.id,
        }
