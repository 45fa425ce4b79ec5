from . import dms_rebate_report
