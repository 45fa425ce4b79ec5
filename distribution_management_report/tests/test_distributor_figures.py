from datetime import timedelta

from odoo import Command
from odoo.tests import Form, tagged

from .common import DmsReportCommon


@tagged("post_install", "-at_install")
class TestDistributorFigures(DmsReportCommon):
    """The distributor form's buttons and kanban card: orders, sales this
    year and this month, to the cent, as the grid manager reads them."""

    def _invoice(self, partner, amount, day, move_type="out_invoice"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.juice.id,
                            "quantity": 2,
                            "price_unit": amount / 2,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def test_sales_this_month_and_year(self):
        today = self.company._dms_today()
        last_year = today.replace(month=1, day=1) - timedelta(days=1)
        self._invoice(self.dist_b, 246.90, today)
        self._invoice(self.dist_b, 40.00, today, move_type="out_refund")
        self._invoice(self.dist_b, 1000.00, last_year)  # another year
        if today.month > 1:  # this year, another month
            self._invoice(self.dist_b, 100.00, today.replace(month=1, day=1))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.dist_b.id,
                "order_line": [Command.create({"product_id": self.juice.id})],
            }
        )
        order.action_confirm()
        manager = self._grid_user("figures_manager", self.grid_east)
        form = Form(
            self.dist_b.with_user(manager),
            view="distribution_management.view_dms_distributor_form",
        )
        self.assertEqual(
            form.dms_sales_this_year, 306.90 if today.month > 1 else 206.90
        )
        self.assertEqual(form.dms_sale_order_count, 1)
        self.assertEqual(self.dist_b.with_user(manager).dms_sales_this_month, 206.90)
        # the buttons list what they count
        orders = self.env["sale.order"].search(
            self.dist_b.action_dms_view_orders()["domain"]
        )
        self.assertEqual(orders, order)
        invoices = self.env["account.move"].search(
            self.dist_b.action_dms_view_sales()["domain"]
        )
        self.assertAlmostEqual(
            sum(invoices.mapped("amount_untaxed_signed")), form.dms_sales_this_year
        )
