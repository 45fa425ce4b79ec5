from . import portal_rebate
