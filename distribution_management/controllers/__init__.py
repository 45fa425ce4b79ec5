from . import application
from . import portal_dealer
