from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    dms_rebate_program_id = fields.Many2one(
        "dms.rebate.program",
        string="Rebate Program",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    dms_rebate_cutoff = fields.Date(
        string="Rebate Cut-off",
        readonly=True,
        copy=False,
        help="Date up to which the rebate was accrued, or period end of the "
        "settled rebate.",
    )
    dms_rebate_move_kind = fields.Selection(
        [
            ("accrual", "Rebate Accrual"),
            ("reversal", "Accrual Reversal"),
            ("replaced", "Replaced Accrual Reversal"),
            ("settlement", "Rebate Settlement"),
        ],
        string="Rebate Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    # Inverse of the rebate's settlement many2one, whose stored computes depend
    # on the move's state and payment state: without it, every change of a
    # journal item makes the ORM search the rebates again to find what to
    # recompute; with it the ORM reads the inverse once per move.
    dms_settled_rebate_ids = fields.One2many(
        "dms.rebate", "settlement_move_id", string="Settled Rebates", readonly=True
    )
