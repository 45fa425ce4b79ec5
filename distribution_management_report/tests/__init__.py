from . import test_sale_report
from . import test_anomaly
from . import test_dashboard
from . import test_xlsx_export
from . import test_input
from . import test_click_everywhere
from . import test_clock
from . import test_distributor_figures
