from . import dms_rebate_wizard
