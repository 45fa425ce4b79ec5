from . import dms_allocation_wizard
from . import dms_dealer_stock_import_wizard
