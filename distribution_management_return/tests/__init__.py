from . import test_return
from . import test_claims
from . import test_input
from . import test_click_everywhere
from . import test_phone_layout
