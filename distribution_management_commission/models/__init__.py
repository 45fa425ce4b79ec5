from . import res_company
from . import res_config_settings
from . import dms_commission_rule
from . import dms_commission_line
from . import dms_settlement
from . import dms_withdrawal
from . import account_move
from . import res_partner
