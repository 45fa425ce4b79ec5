from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class DmsAllocationWizard(models.TransientModel):
    """Split the available quantity of a scarce product across grids.

    The proposal follows each grid's demand (see ``dms.allocation``); the
    quantities can be changed before the transfers are created, never to a
    negative number nor above the available quantity in all."""

    _name = "dms.allocation.wizard"
    _description = "Allocate a Scarce Product to Grids"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    source_warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env.user._get_default_warehouse_id(),
    )
    days = fields.Integer(
        string="Demand Window (days)",
        required=True,
        default=30,
        help="Deliveries of the last this many days count as demand, with what "
        "confirmed orders still wait for.",
    )
    quantity = fields.Float(
        string="Quantity to Allocate",
        digits="Product Unit of Measure",
        help="Leave 0 to allocate all the available quantity (never more than the "
        "total demand).",
    )
    grid_ids = fields.Many2many(
        "dms.grid",
        string="Grids",
        check_company=True,
        default=lambda self: self._default_grids(),
        help="Grids sharing the quantity; each order counts for the deepest of "
        "these grids above its own grid. Default: the grids with a warehouse of "
        "their own.",
    )
    available_qty = fields.Float(
        string="Available", digits="Product Unit of Measure", readonly=True
    )
    allocate_qty = fields.Float(
        string="To Allocate", digits="Product Unit of Measure", readonly=True
    )
    line_ids = fields.One2many(
        "dms.allocation.wizard.line", "wizard_id", string="Proposal"
    )
    total_qty = fields.Float(
        string="Allocated", digits="Product Unit of Measure", compute="_compute_total"
    )

    @api.model
    def _default_grids(self):
        return self.env["dms.grid"].search(
            [("warehouse_id", "!=", False), ("company_id", "=", self.env.company.id)]
        )

    @api.depends("line_ids.quantity")
    def _compute_total(self):
        for wizard in self:
            wizard.total_qty = sum(wizard.line_ids.mapped("quantity"))

    @api.onchange("product_id", "source_warehouse_id", "days", "quantity", "grid_ids")
    def _onchange_proposal(self):
        self.grid_ids = self.grid_ids.filtered(
            lambda grid: (
                grid.serving_warehouse_id
                and grid.serving_warehouse_id != self.source_warehouse_id
            )
        )
        if not (self.product_id and self.source_warehouse_id and self.days > 0):
            self.line_ids = [Command.clear()]
            return
        available, to_allocate, lines = self.env["dms.allocation"]._propose(
            self.product_id,
            self.source_warehouse_id,
            self.grid_ids._origin,
            self.days,
            self.quantity or None,
        )
        self.available_qty = available
        self.allocate_qty = to_allocate
        self.line_ids = [Command.clear()] + [Command.create(vals) for vals in lines]

    def action_confirm(self):
        """Record the allocation and create its transfers."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("Choose the product, the source warehouse and grids."))
        # checked before anything is written
        self.env["dms.allocation"].new(
            {
                "product_id": self.product_id.id,
                "source_warehouse_id": self.source_warehouse_id.id,
            }
        )._check_lines(
            [
                (line.dms_grid_id, line.warehouse_id, line.quantity)
                for line in self.line_ids
            ],
            self.available_qty,
        )
        allocation = self.env["dms.allocation"].create(
            {
                "product_id": self.product_id.id,
                "source_warehouse_id": self.source_warehouse_id.id,
                "company_id": self.company_id.id,
                "days": self.days,
                "available_qty": self.available_qty,
                "allocate_qty": self.allocate_qty,
                "line_ids": [
                    Command.create(line._prepare_allocation_line_vals())
                    for line in self.line_ids
                ],
            }
        )
        allocation.action_create_transfers()
        return {
            "type": "ir.actions.act_window",
            "res_model": "dms.allocation",
            "view_mode": "form",
            "res_id": allocation.id,
        }


class DmsAllocationWizardLine(models.TransientModel):
    _name = "dms.allocation.wizard.line"
    _description = "Allocation Proposal Line"

    wizard_id = fields.Many2one(
        "dms.allocation.wizard", required=True, ondelete="cascade"
    )
    dms_grid_id = fields.Many2one("dms.grid", string="Grid", required=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Destination Warehouse")
    delivered_qty = fields.Float(string="Delivered", digits="Product Unit of Measure")
    open_qty = fields.Float(string="To Deliver", digits="Product Unit of Measure")
    demand_qty = fields.Float(string="Demand", digits="Product Unit of Measure")
    share_percent = fields.Float(string="Share (%)", digits=(16, 1))
    proposed_qty = fields.Float(string="Proposed", digits="Product Unit of Measure")
    quantity = fields.Float(string="Allocated", digits="Product Unit of Measure")
    explanation = fields.Char()

    def _prepare_allocation_line_vals(self):
        self.ensure_one()
        return {
            "dms_grid_id": self.dms_grid_id.id,
            "warehouse_id": self.warehouse_id.id,
            "delivered_qty": self.delivered_qty,
            "open_qty": self.open_qty,
            "demand_qty": self.demand_qty,
            "share_percent": self.share_percent,
            "proposed_qty": self.proposed_qty,
            "quantity": self.quantity,
            "explanation": self.explanation,
        }
