from . import dms_export_wizard
from . import dms_settlement_wizard
