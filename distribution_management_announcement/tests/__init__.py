from . import test_announcement
from . import test_security
from . import test_input
from . import test_click_everywhere
from . import test_clock
from . import test_phone_layout
