from odoo.tests import HttpCase, tagged

from .common import DmsPhoneViewportMixin


@tagged("post_install", "-at_install", "dms_demo")
class TestPhoneLayout(DmsPhoneViewportMixin, HttpCase):
    def test_dealer_pages_fit_a_phone(self):
        self._check_phone_width(["/my", "/my/dms", "/dms/r/SHPD001", "/dms/apply"])

    def test_referral_landing_fits_a_phone_for_a_visitor(self):
        self._check_phone_width(["/dms/r/SHPD001"], login=None)
