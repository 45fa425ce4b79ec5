from . import dms_sale_report
from . import dms_distributor_ranking
