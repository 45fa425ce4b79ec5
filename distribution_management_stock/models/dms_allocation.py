import math

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from odoo.addons.distribution_management.models.claim_lock import lock_for_claim
from odoo.addons.distribution_management.models.dms_state_guard import state_action

from .dms_stock_alert import fmt_qty, quantity_step


class DmsAllocation(models.Model):
    """How the available quantity of a scarce product in a source warehouse
    was split across grids (their serving warehouses), by demand.

    A grid's demand is what was delivered to its customers over the last
    days (net of returns) plus what its confirmed orders still wait for.
    Each grid is proposed its share of the quantity to allocate, in whole
    units of measure (largest remainders get the leftover units), never
    more than its demand; the proposal can be changed by hand before the
    internal transfers are created.
    """

    _name = "dms.allocation"
    _description = "Grid Allocation"
    _inherit = ["mail.thread", "dms.state.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        readonly=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    source_warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    days = fields.Integer(
        string="Demand Window (days)",
        required=True,
        readonly=True,
        default=30,
    )
    available_qty = fields.Float(
        string="Available",
        digits="Product Unit of Measure",
        readonly=True,
        help="Free quantity (on hand - reserved) of the source warehouse when the "
        "allocation was proposed.",
    )
    allocate_qty = fields.Float(
        string="Quantity to Allocate",
        digits="Product Unit of Measure",
        readonly=True,
        help="The available quantity, or less when chosen so; never more than the "
        "total demand.",
    )
    total_demand = fields.Float(
        digits="Product Unit of Measure", compute="_compute_totals"
    )
    total_qty = fields.Float(
        string="Allocated", digits="Product Unit of Measure", compute="_compute_totals"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Transfers Created"), ("cancel", "Cancelled")],
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many("dms.allocation.line", "allocation_id", string="Grids")
    picking_ids = fields.Many2many(
        "stock.picking", compute="_compute_picking_ids", string="Transfers"
    )
    picking_count = fields.Integer(compute="_compute_picking_ids")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "dms.allocation"
                ) or _("New")
        return super().create(vals_list)

    @api.depends("line_ids.quantity", "line_ids.demand_qty")
    def _compute_totals(self):
        for allocation in self:
            allocation.total_demand = sum(allocation.line_ids.mapped("demand_qty"))
            allocation.total_qty = sum(allocation.line_ids.mapped("quantity"))

    @api.depends("line_ids.picking_id")
    def _compute_picking_ids(self):
        for allocation in self:
            allocation.picking_ids = allocation.line_ids.picking_id
            allocation.picking_count = len(allocation.picking_ids)

    @api.constrains("line_ids", "available_qty")
    def _check_quantities(self):
        for allocation in self:
            allocation._check_lines(
                [
                    (line.dms_grid_id, line.warehouse_id, line.quantity)
                    for line in allocation.line_ids
                ],
                allocation.available_qty,
            )

    def _check_lines(self, lines, available):
        """Refuse negative quantities, grids without a warehouse other than
        the source, and a total above ``available``."""
        self.ensure_one()
        rounding = self.product_id.uom_id.rounding
        total = 0.0
        for grid, warehouse, quantity in lines:
            if float_compare(quantity, 0.0, precision_rounding=rounding) < 0:
                raise ValidationError(
                    _(
                        "The quantity of grid %(grid)s cannot be negative.",
                        grid=grid.display_name,
                    )
                )
            if not warehouse or warehouse == self.source_warehouse_id:
                raise ValidationError(
                    _(
                        "Grid %(grid)s needs a serving warehouse other than the "
                        "source warehouse.",
                        grid=grid.display_name,
                    )
                )
            total += quantity
        if float_compare(total, available, precision_rounding=rounding) > 0:
            raise ValidationError(
                _(
                    "The grids get %(total)s in all, more than the %(available)s "
                    "available in %(warehouse)s.",
                    total=fmt_qty(total),
                    available=fmt_qty(available),
                    warehouse=self.source_warehouse_id.name,
                )
            )

    # ------------------------------------------------------------------
    # Proposal
    # ------------------------------------------------------------------
    @api.model
    def _available(self, product, warehouse):
        """Free quantity (on hand - reserved) of ``product`` in ``warehouse``."""
        figures = self.env["dms.stock.alert"]._stock_figures(
            {(product.id, warehouse.id, 1)}
        )
        on_hand, reserved, _out = figures[(product.id, warehouse.id, 1)]
        return max(on_hand - reserved, 0.0)

    @api.model
    def _demand_by_grid(self, product, grids, days):
        """{grid id: (delivered, still to deliver)} of ``product`` for the
        orders of each grid and of its sub-grids (an order counts for the
        deepest of ``grids`` above its own grid), in the product's unit."""
        if not grids:
            return {}
        self.env["sale.order"].flush_model(["dms_grid_id", "state", "company_id"])
        self.env["sale.order.line"].flush_model(
            [
                "order_id",
                "product_id",
                "product_uom",
                "product_uom_qty",
                "qty_delivered",
            ]
        )
        self.env["stock.move"].flush_model(["sale_line_id"])
        self.env["stock.move.line"].flush_model(
            ["move_id", "quantity_product_uom", "state", "date", "product_id"]
        )
        company_ids = list(set(grids.company_id.ids))
        self.env.cr.execute(
            SQL(
                """
                SELECT so.dms_grid_id,
                       COALESCE(SUM(delivered.qty), 0),
                       SUM(GREATEST(sol.product_uom_qty - sol.qty_delivered, 0)
                           / line_uom.factor * product_uom.factor)
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom line_uom ON line_uom.id = sol.product_uom
                  JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
             LEFT JOIN LATERAL (
                       SELECT SUM(CASE WHEN dst.usage = 'customer'
                                       THEN ml.quantity_product_uom
                                       ELSE -ml.quantity_product_uom END) AS qty
                         FROM stock_move move
                         JOIN stock_move_line ml ON ml.move_id = move.id
                         JOIN stock_location src ON src.id = ml.location_id
                         JOIN stock_location dst ON dst.id = ml.location_dest_id
                        WHERE move.sale_line_id = sol.id
                          AND ml.state = 'done'
                          AND ml.date >= %(since)s
                          AND (dst.usage = 'customer' OR src.usage = 'customer')
                       ) delivered ON TRUE
                 WHERE sol.product_id = %(product)s
                   AND so.state = 'sale'
                   AND so.dms_grid_id IS NOT NULL
                   AND so.company_id = ANY(%(companies)s)
              GROUP BY so.dms_grid_id
                """,
                product=product.id,
                since=fields.Datetime.subtract(fields.Datetime.now(), days=days),
                companies=company_ids,
            )
        )
        rows = self.env.cr.fetchall()
        order_grids = self.env["dms.grid"].sudo().browse([row[0] for row in rows])
        listed = set(grids.ids)
        result = {grid.id: (0.0, 0.0) for grid in grids}
        for (_grid_id, delivered, pending), grid in zip(rows, order_grids, strict=True):
            path = [int(part) for part in (grid.parent_path or "").split("/") if part]
            target = next((gid for gid in reversed(path) if gid in listed), None)
            if target:
                old = result[target]
                result[target] = (old[0] + delivered, old[1] + (pending or 0.0))
        return result

    @api.model
    def _propose(self, product, source, grids, days, quantity=None):
        """(available, to allocate, [line values]) of an allocation of
        ``product`` from ``source`` across ``grids`` by demand."""
        if days < 1:
            raise UserError(_("The demand window must be at least one day."))
        rounding = quantity_step(product.uom_id)
        available = self._available(product, source)
        demand = self._demand_by_grid(product, grids, days)
        total = sum(delivered + pending for delivered, pending in demand.values())
        to_allocate = available if quantity is None else min(quantity, available)
        to_allocate = max(min(to_allocate, total), 0.0)
        units = math.floor(to_allocate / rounding + 1e-9)
        quotas = {}
        for grid in grids:
            delivered, pending = demand[grid.id]
            quotas[grid.id] = units * (delivered + pending) / total if total else 0.0
        shares = {gid: math.floor(quota + 1e-9) for gid, quota in quotas.items()}
        leftover = units - sum(shares.values())
        for gid in sorted(quotas, key=lambda g: (shares[g] - quotas[g], g))[:leftover]:
            shares[gid] += 1
        lines = []
        for grid in grids:
            delivered, pending = demand[grid.id]
            grid_demand = delivered + pending
            share = 100.0 * grid_demand / total if total else 0.0
            proposed = float_round(
                shares[grid.id] * rounding, precision_rounding=rounding
            )
            lines.append(
                {
                    "dms_grid_id": grid.id,
                    "warehouse_id": grid.serving_warehouse_id.id,
                    "delivered_qty": delivered,
                    "open_qty": pending,
                    "demand_qty": grid_demand,
                    "share_percent": share,
                    "proposed_qty": proposed,
                    "quantity": proposed,
                    "explanation": _(
                        "Delivered over %(days)s days %(delivered)s + still to "
                        "deliver %(pending)s = demand %(demand)s, %(share)s %% of "
                        "all grids' %(total)s; %(share)s %% of %(allocate)s = "
                        "%(proposed)s",
                        days=days,
                        delivered=fmt_qty(delivered),
                        pending=fmt_qty(pending),
                        demand=fmt_qty(grid_demand),
                        share=round(share, 1),
                        total=fmt_qty(total),
                        allocate=fmt_qty(to_allocate),
                        proposed=fmt_qty(proposed),
                    ),
                }
            )
        return available, to_allocate, lines

    @api.model
    def _create_proposed(
        self, product_id, source_id, grid_ids, days=30, quantity=None, confirm=False
    ):
        """A draft allocation holding the proposal (transfers created too
        when ``confirm``)."""
        product = self.env["product.product"].browse(product_id)
        source = self.env["stock.warehouse"].browse(source_id)
        grids = self.env["dms.grid"].browse(grid_ids)
        available, to_allocate, lines = self._propose(
            product, source, grids, days, quantity
        )
        allocation = self.create(
            {
                "product_id": product.id,
                "source_warehouse_id": source.id,
                "company_id": source.company_id.id,
                "days": days,
                "available_qty": available,
                "allocate_qty": to_allocate,
                "line_ids": [Command.create(vals) for vals in lines],
            }
        )
        if confirm:
            allocation.action_create_transfers()
        return allocation

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @state_action
    def action_create_transfers(self):
        """One internal transfer per grid with a quantity, after checking the
        quantities against what is available now.

        Takes the claim lock of the source warehouses first (see claim_lock):
        two allocations from one warehouse at once never hand out the same
        free stock; the second waits, then sees the first one's reservations."""
        lock_for_claim(self.source_warehouse_id.sudo())
        for allocation in self:
            if allocation.state != "draft":
                raise UserError(
                    _(
                        "Allocation %(allocation)s is not a draft.",
                        allocation=allocation.name,
                    )
                )
            product = allocation.product_id
            rounding = product.uom_id.rounding
            lines = allocation.line_ids.filtered(
                lambda line, r=rounding: (
                    not float_is_zero(line.quantity, precision_rounding=r)
                )
            )
            if not lines:
                raise UserError(_("Give a quantity to at least one grid."))
            allocation._check_lines(
                [
                    (line.dms_grid_id, line.warehouse_id, line.quantity)
                    for line in allocation.line_ids
                ],
                self._available(product, allocation.source_warehouse_id),
            )
            for line in lines:
                line.picking_id = self.env[
                    "stock.picking"
                ]._dms_create_internal_transfer(
                    allocation.source_warehouse_id,
                    line.warehouse_id,
                    [(product, line.quantity)],
                    origin=f"{allocation.name} - {line.dms_grid_id.display_name}",
                )
            allocation.state = "done"
            allocation.message_post(
                body=_(
                    "%(count)s transfers created for %(total)s %(uom)s.",
                    count=len(lines),
                    total=fmt_qty(sum(lines.mapped("quantity"))),
                    uom=product.uom_id.name,
                )
            )
        return True

    @state_action
    def action_cancel(self):
        for allocation in self:
            if allocation.state != "draft":
                raise UserError(
                    _(
                        "Only a draft allocation can be cancelled (%(allocation)s).",
                        allocation=allocation.name,
                    )
                )
        self.state = "cancel"
        return True

    def action_view_pickings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Transfers"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", self.picking_ids.ids)],
        }


class DmsAllocationLine(models.Model):
    _name = "dms.allocation.line"
    _description = "Grid Allocation Line"
    _order = "allocation_id, demand_qty desc, id"

    allocation_id = fields.Many2one(
        "dms.allocation", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="allocation_id.company_id", store=True)
    state = fields.Selection(related="allocation_id.state")
    dms_grid_id = fields.Many2one(
        "dms.grid", string="Grid", required=True, index=True, ondelete="restrict"
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Destination Warehouse", required=True
    )
    delivered_qty = fields.Float(
        string="Delivered", digits="Product Unit of Measure", readonly=True
    )
    open_qty = fields.Float(
        string="To Deliver", digits="Product Unit of Measure", readonly=True
    )
    demand_qty = fields.Float(
        string="Demand", digits="Product Unit of Measure", readonly=True
    )
    share_percent = fields.Float(string="Share (%)", digits=(16, 1), readonly=True)
    proposed_qty = fields.Float(
        string="Proposed", digits="Product Unit of Measure", readonly=True
    )
    quantity = fields.Float(string="Allocated", digits="Product Unit of Measure")
    explanation = fields.Char(readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Transfer", readonly=True)

    @api.constrains("quantity", "warehouse_id")
    def _check_quantity(self):
        self.allocation_id._check_quantities()
