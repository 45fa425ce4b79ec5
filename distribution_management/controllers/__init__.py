from . import application
from . import portal_dealer
from . import portal_stock
