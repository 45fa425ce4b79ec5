from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DmsCommon


@tagged("post_install", "-at_install")
class TestNetInvoicedSales(DmsCommon):
    """One definition of net invoiced sales for tiers (and the rebate add-on's
    basis): invoices minus credit notes of goods, in a window and a scope."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.company.currency_id
        cls.categ = cls.env["product.category"].create({"name": "Net sales drinks"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Net sales juice",
                "categ_id": cls.categ.id,
                "list_price": 10.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.other_product = cls.env["product.product"].create(
            {
                "name": "Net sales crisps",
                "list_price": 5.0,
                "taxes_id": [Command.clear()],
            }
        )
        # Dist B holds Senior (kept from 5,000.00, lost below)
        cls.dist_b.dms_tier_id = cls.tier_senior
        cls.today = cls.company._dms_today()
        quarter_start = date(cls.today.year, (cls.today.month - 1) // 3 * 3 + 1, 1)
        # a day of the previous quarter, inside the 365-day tier window
        cls.last_quarter_day = quarter_start - timedelta(days=45)

    def _sales(self, date_from=None, date_to=None, **scope):
        return self.env["res.partner"]._dms_net_invoiced_sales(
            self.dist_b,
            date_from or self.last_quarter_day,
            date_to or self.today,
            self.company,
            **scope,
        )[self.dist_b.id]

    @classmethod
    def _move(cls, partner, amount, day, move_type="out_invoice", product=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "currency_id": cls.currency.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or cls.product).id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def test_refund_of_the_same_amount_lowers_the_tier(self):
        self._move(self.dist_b, 5000, self.last_quarter_day)
        self._move(self.dist_b, 100, self.today, move_type="out_refund")
        Tier = self.env["dms.tier"]
        self.assertEqual(Tier._dms_rolling_sales(self.dist_b)[self.dist_b.id], 4900.0)
        self.assertEqual(self._sales(), (4900.0, 0.0))
        self.env["dms.tier"]._cron_evaluate_tiers()
        self.assertEqual(self.dist_b.dms_tier_id, self.tier_dist)

    def test_scope_and_window(self):
        self._move(self.dist_b, 5000, self.last_quarter_day)
        self._move(self.dist_b, 300, self.today, product=self.other_product)
        self.assertEqual(self._sales(), (5300.0, 2.0))
        self.assertEqual(self._sales(products=self.product), (5000.0, 1.0))
        self.assertEqual(self._sales(categories=self.categ), (5000.0, 1.0))
        self.assertEqual(
            self._sales(date_from=self.last_quarter_day + timedelta(days=1)),
            (300.0, 1.0),
        )
        # the tier window: dms_tier_rolling_days days ending today, included
        days = (self.today - self.last_quarter_day).days + 1
        self.company.dms_tier_rolling_days = days
        sales = self.env["dms.tier"]._dms_rolling_sales(self.dist_b)
        self.assertEqual(sales[self.dist_b.id], 5300.0)
        self.company.dms_tier_rolling_days = days - 1
        sales = self.env["dms.tier"]._dms_rolling_sales(self.dist_b)
        self.assertEqual(sales[self.dist_b.id], 300.0)

    def test_exclusions_hook(self):
        """An add-on leaves entries that are not sales out through
        ``_dms_net_sales_exclusions`` (the rebate add-on: its credit notes)."""
        self._move(self.dist_b, 5000, self.last_quarter_day)
        self._move(self.dist_b, 300, self.today, product=self.other_product)
        self._move(self.dist_b, 100, self.today, move_type="out_refund")
        self.assertEqual(self._sales(), (5200.0, 1.0))
        exclusions = [
            SQL("aml.product_id != %s", self.other_product.id),
            SQL("move.move_type = 'out_invoice'"),
        ]
        with patch.object(
            type(self.env["res.partner"]),
            "_dms_net_sales_exclusions",
            autospec=True,
            return_value=exclusions,
        ):
            self.assertEqual(self._sales(), (5000.0, 1.0))
