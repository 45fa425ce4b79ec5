from . import dms_rebate_report
from . import sale_report
from . import account_invoice_report
