from . import test_tier
from . import test_grid
from . import test_network
from . import test_security
from . import test_application
from . import test_tour
from . import test_sale
from . import test_portal_order
