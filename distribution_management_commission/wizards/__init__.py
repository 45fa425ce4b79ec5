from . import dms_settlement_wizard
