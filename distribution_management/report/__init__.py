from . import dms_sale_report
from . import dms_distributor_ranking
from . import sale_report
from . import account_invoice_report
