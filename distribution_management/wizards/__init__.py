from . import dms_state_reason_wizard
from . import dms_application_upload
