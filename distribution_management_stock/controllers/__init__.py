from . import portal_quick_order
from . import portal_stock
