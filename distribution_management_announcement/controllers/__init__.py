from . import portal_announcement
