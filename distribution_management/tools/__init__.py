from . import number
from . import xlsx
from . import upload
