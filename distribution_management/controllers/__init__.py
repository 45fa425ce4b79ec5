from . import application
from . import portal_dealer
from . import portal_return
from . import portal_promotion
from . import portal_commission
from . import portal_announcement
from . import portal_rebate
