from odoo.tests import HttpCase, tagged

from odoo.addons.distribution_management.tests.common import DmsPhoneViewportMixin


@tagged("post_install", "-at_install", "dms_demo")
class TestPhoneLayout(DmsPhoneViewportMixin, HttpCase):
    def test_pages_fit_a_phone(self):
        paths = ["/my/dms/commission"]
        self._check_phone_width(paths)
