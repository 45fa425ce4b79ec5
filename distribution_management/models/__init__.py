from . import res_company
from . import res_config_settings
from . import res_users
from . import dms_tier
from . import dms_grid
from . import dms_document
from . import res_partner
from . import sale_order
