from . import test_commission
from . import test_commission_payout
from . import test_commission_fixed
from . import test_invoice_budget
from . import test_claims
from . import test_input
from . import test_click_everywhere
from . import test_clock
