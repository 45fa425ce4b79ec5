from . import test_rebate
from . import test_statement
from . import test_net_sales
from . import test_input
from . import test_click_everywhere
from . import test_clock
from . import test_phone_layout
