from . import portal_return
