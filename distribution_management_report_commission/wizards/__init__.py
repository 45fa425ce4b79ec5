from . import dms_export_wizard
