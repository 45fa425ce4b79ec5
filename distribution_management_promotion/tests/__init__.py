from . import test_promotion
from . import test_input
from . import test_tour
from . import test_click_everywhere
from . import test_phone_layout
