import logging

from odoo import _, fields, models

_logger = logging.getLogger(__name__)

# distributors settled per batch (one bill each)
SETTLEMENT_BATCH = 500


class DmsSettlementWizard(models.TransientModel):
    _name = "dms.settlement.wizard"
    _description = "Settle Commissions"

    date_to = fields.Date(
        string="Up To",
        required=True,
        default=lambda self: self.env.company._dms_today(),
        help="Available commission dated up to this day is settled.",
    )
    beneficiary_ids = fields.Many2many(
        "res.partner",
        string="Beneficiaries",
        domain="[('dms_state', '!=', False)]",
        help="Leave empty to settle every beneficiary.",
    )

    def action_settle(self):
        self.ensure_one()
        Settlement = self.env["dms.settlement"]
        beneficiaries = self.beneficiary_ids or Settlement._settleable_beneficiaries(
            self.date_to
        )
        settlements = Settlement.browse()
        for start in range(0, len(beneficiaries), SETTLEMENT_BATCH):
            batch = beneficiaries[start : start + SETTLEMENT_BATCH]
            settlements |= Settlement._settle(self.date_to, batch)
            _logger.info(
                "Commission settlement: %s/%s distributors done",
                start + len(batch),
                len(beneficiaries),
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Settlements"),
            "res_model": "dms.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }
