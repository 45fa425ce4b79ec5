from . import application
from . import portal_dealer
from . import portal_commission
from . import portal_announcement
from . import portal_rebate
from . import portal_stock
