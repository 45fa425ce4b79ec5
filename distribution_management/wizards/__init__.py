from . import dms_state_reason_wizard
