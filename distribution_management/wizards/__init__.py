from . import dms_state_reason_wizard
from . import dms_settlement_wizard
from . import dms_rebate_wizard
from . import dms_anomaly_dismiss_wizard
from . import dms_export_wizard
