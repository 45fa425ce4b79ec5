from . import dms_announcement
from . import dms_announcement_read
