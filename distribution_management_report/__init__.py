from . import models
from . import report
from . import wizards


def uninstall_hook(env):
    """The app opens on its first menu again: the dashboard action is gone."""
    root = env.ref("distribution_management.menu_dms_root", raise_if_not_found=False)
    if root:
        root.action = False
