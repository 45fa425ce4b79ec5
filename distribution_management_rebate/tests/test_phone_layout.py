from odoo.tests import HttpCase, tagged

from odoo.addons.distribution_management.tests.common import DmsPhoneViewportMixin


@tagged("post_install", "-at_install", "dms_demo")
class TestPhoneLayout(DmsPhoneViewportMixin, HttpCase):
    def test_pages_fit_a_phone(self):
        dealer = self.env.ref("distribution_management.dist_sh_lujiazui")
        paths = ["/my/dms/rebates", "/my/dms/statements"]
        statement = self.env["dms.statement"].search(
            [("partner_id", "=", dealer.id), ("state", "!=", "draft")], limit=1
        )
        paths += [f"/my/dms/statements/{statement.id}"] if statement else []
        self._check_phone_width(paths)
