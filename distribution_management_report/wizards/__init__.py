from . import dms_anomaly_dismiss_wizard
from . import dms_export_wizard
