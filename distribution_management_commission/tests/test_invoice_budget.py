from unittest.mock import patch

from odoo import Command
from odoo.sql_db import Cursor
from odoo.tests import tagged

from .test_commission import DmsCommissionCommon


@tagged("post_install", "-at_install")
class TestInvoiceBudget(DmsCommissionCommon):
    """Invoicing an attributed order costs a constant number of queries over
    plain Odoo, whatever its number of lines.

    The baseline is the same flow on an order that is not attributed, for a
    customer that is not a distributor, in the same database: what the add-on
    adds to every invoice (stored computes depending on invoices, hooks of
    ``_post``) shows in both flows, so the queries on the add-on's own tables
    are also counted in the baseline and must not grow with the lines."""

    SIZES = (1, 10, 50)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_customer = cls.env["res.partner"].create(
            {
                "name": "Plain Customer",
                "country_id": cls.china.id,
                "state_id": cls.shanghai_state.id,
                "city": "Shanghai",
                "zip": "200125",
            }
        )
        # as in production: messages and tracking on
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))

    def _confirmed_order(self, lines, attributed):
        order = self.env["sale.order"].create(
            {
                "partner_id": (self.customer if attributed else self.plain_customer).id,
                "dms_referral_code": "CCCC3333" if attributed else False,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": 10,
                        }
                    )
                    for product in self.products[:lines]
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(bool(order.dms_distributor_id), attributed)
        order.order_line.qty_delivered = 1
        # each step in its own request: nothing left in the cache
        self.env.flush_all()
        self.env.invalidate_all()
        return order

    def _invoice_and_post(self, lines, attributed):
        """(queries to create the invoice, queries to post it, queries on the
        add-on's tables in both), the invoice."""
        order = self._confirmed_order(lines, attributed)
        ours = []
        execute = Cursor.execute

        def counting_execute(cr, query, params=None, log_exceptions=True):
            if "dms_" in str(query):
                ours.append(query)
            return execute(cr, query, params, log_exceptions)

        with patch.object(Cursor, "execute", counting_execute):
            start = self.cr.sql_log_count
            invoice = order._create_invoices()
            self.env.flush_all()
            created = self.cr.sql_log_count - start
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            invoice.action_post()
            self.env.flush_all()
            posted = self.cr.sql_log_count - start
        self.assertEqual(invoice.state, "posted")
        return created, posted, len(ours), invoice

    def test_invoicing_stays_flat_in_lines(self):
        # warm up: the rule table, views of the chatter, sequences, ...
        self._invoice_and_post(2, attributed=False)
        self._invoice_and_post(2, attributed=True)
        ours = {}
        for size in self.SIZES:
            with self.subTest(lines=size):
                plain_create, plain_post, plain_ours, __ = self._invoice_and_post(
                    size, attributed=False
                )
                create, post, attributed_ours, invoice = self._invoice_and_post(
                    size, attributed=True
                )
                # the 3-level chain was really paid, on every line
                ledger = self._ledger(invoice)
                self.assertEqual(len(ledger), 3 * size)
                self.assertEqual(
                    self._by_level(ledger),
                    {1: 1.0 * size, 2: 0.5 * size, 3: 0.2 * size},
                )
                extra = (create + post) - (plain_create + plain_post)
                self.assertLessEqual(
                    extra,
                    8,
                    f"{size} lines: invoice + post {create}+{post} queries, "
                    f"plain Odoo {plain_create}+{plain_post}",
                )
                self.assertLessEqual(
                    post - plain_post,
                    5,
                    f"{size} lines: posting {post} queries, plain Odoo {plain_post}",
                )
                ours[size] = (plain_ours, attributed_ours)
        # what the add-on runs on its own tables does not grow with the lines,
        # for plain invoices as for attributed ones
        # (a query per line would add 49 at 50 lines; a cache filled by an
        # earlier test may save one)
        self.assertLessEqual(abs(ours[50][0] - ours[1][0]), 1, ours)
        self.assertLessEqual(abs(ours[50][1] - ours[1][1]), 2, ours)
