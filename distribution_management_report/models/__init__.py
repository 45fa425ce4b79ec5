from . import res_company
from . import res_config_settings
from . import dms_anomaly
from . import res_partner
