from odoo.tests import tagged

from odoo.addons.distribution_management_commission.tests.test_commission import (
    DmsCommissionCommon,
)
from odoo.addons.distribution_management_return.tests.test_return import (
    DmsReturnCommon,
)


@tagged("post_install", "-at_install")
class TestReturnReversal(DmsCommissionCommon, DmsReturnCommon):
    def test_returned_goods_reverse_their_commission(self):
        self.order = self._delivered_order(self.dist_b, 5)
        ledger = self._ledger(self.order.invoice_ids)
        # the dealer's own order: 5 x 10.00, 10 %, its upline takes half
        self.assertEqual(self._by_level(ledger), {1: 5.0, 2: 2.5, 3: 0.0})
        request = self._approved(2)
        self._receive(request.return_picking_ids, 2)
        request.action_create_credit_note()
        request.credit_note_ids.action_post()
        net = self._by_level(self._ledger(self.order.invoice_ids))
        self.assertEqual(net, {1: 3.0, 2: 1.5, 3: 0.0})
        reversals = self._ledger(request.credit_note_ids)
        self.assertEqual(set(reversals.mapped("amount")), {-2.0, -1.0})
