from . import portal_promotion
