from . import test_stock_alert
from . import test_dealer_stock
from . import test_grid_allocation
from . import test_sale
from . import test_grid_scoping
from . import test_input
from . import test_click_everywhere
from . import test_clock
