from . import dms_state_reason_wizard
from . import dms_allocation_wizard
from . import dms_dealer_stock_import_wizard
from . import dms_export_wizard
