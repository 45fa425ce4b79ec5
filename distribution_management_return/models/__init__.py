from . import sale_order_line
from . import dms_return_request
