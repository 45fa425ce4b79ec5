from odoo.tests import HttpCase, tagged

from .clickbot import ClickEverywhereMixin


@tagged("post_install", "-at_install")
class TestClickEverywhere(ClickEverywhereMixin, HttpCase):
    """Open every menu, view and filter of the Distribution app in the
    browser, with every add-on of the family that is installed: a broken
    view, action or domain fails here."""
