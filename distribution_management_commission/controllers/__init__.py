from . import portal_commission
