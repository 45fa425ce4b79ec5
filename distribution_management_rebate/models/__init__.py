from . import account_move
from . import account_move_line
from . import res_partner
from . import dms_rebate_program
from . import dms_rebate
from . import dms_statement
