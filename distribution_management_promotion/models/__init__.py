from . import loyalty_program
from . import sale_order
