from . import test_anomaly
