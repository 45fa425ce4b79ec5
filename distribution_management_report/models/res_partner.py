from odoo import api, fields, models

INVOICE_TYPES = ("out_invoice", "out_refund")


class ResPartner(models.Model):
    _inherit = "res.partner"

    dms_sales_this_month = fields.Monetary(
        string="Sales This Month",
        currency_field="dms_currency_id",
        compute="_compute_dms_sales_figures",
        help="Invoiced untaxed sales net of credit notes, this calendar month.",
    )
    dms_sales_this_year = fields.Monetary(
        string="Sales This Year",
        currency_field="dms_currency_id",
        compute="_compute_dms_sales_figures",
        help="Invoiced untaxed sales net of credit notes, this calendar year.",
    )
    dms_sale_order_count = fields.Integer(
        string="Orders", compute="_compute_dms_sales_figures"
    )

    @api.depends_context("company")
    def _compute_dms_sales_figures(self):
        """One grouped query for the sales of every partner shown (kanban
        cards, form), read as superuser: a grid manager sees the figures of
        the distributors of their grids without access to invoices."""
        partners = self.filtered(lambda partner: partner.id and partner.dms_state)
        today = self.env.company._dms_today()
        year_start = today.replace(month=1, day=1)
        month_start = today.replace(day=1)
        Move = self.env["account.move"].sudo()
        year, month = {}, {}
        if partners:
            groups = Move._read_group(
                [
                    ("commercial_partner_id", "in", partners.ids),
                    ("move_type", "in", INVOICE_TYPES),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", year_start),
                    ("invoice_date", "<=", today),
                    ("company_id", "in", self.env.companies.ids),
                ],
                ["commercial_partner_id", "invoice_date:month"],
                ["amount_untaxed_signed:sum"],
            )
            for partner, period, amount in groups:
                year[partner.id] = year.get(partner.id, 0.0) + amount
                if period and fields.Date.to_date(period) >= month_start:
                    month[partner.id] = month.get(partner.id, 0.0) + amount
        orders = dict(
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", partners.ids),
                    ("state", "=", "sale"),
                ],
                ["partner_id"],
                ["__count"],
            )
            if partners
            else []
        )
        order_counts = {}
        for partner, count in orders.items():
            key = partner.commercial_partner_id.id
            order_counts[key] = order_counts.get(key, 0) + count
        for partner in self:
            partner.dms_sales_this_year = year.get(partner.id, 0.0)
            partner.dms_sales_this_month = month.get(partner.id, 0.0)
            partner.dms_sale_order_count = order_counts.get(partner.id, 0)

    def action_dms_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("state", "=", "sale"),
        ]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_dms_view_sales(self):
        """This year's invoices and credit notes of the distributor."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        today = self.env.company._dms_today()
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("move_type", "in", INVOICE_TYPES),
            ("state", "=", "posted"),
            ("invoice_date", ">=", today.replace(month=1, day=1)),
            ("invoice_date", "<=", today),
        ]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
