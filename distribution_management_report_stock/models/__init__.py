from . import dms_anomaly
