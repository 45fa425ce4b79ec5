"""The logins scripts/demo.sh prints work as printed (tag dms_demo: left out
of a run without demo data; the script checks them again on the server)."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "dms_demo")
class TestDemoLogins(HttpCase):
    def test_grid_manager(self):
        """eastmanager / eastmanager, 王经理: the back office, East China
        only."""
        self.authenticate("eastmanager", "eastmanager")
        user = self.env.ref("distribution_management.user_grid_manager_east")
        self.assertEqual(user.name, "王经理")
        roots = self.env["dms.grid"].with_user(user).search([("parent_id", "=", False)])
        self.assertEqual(roots, self.env.ref("distribution_management.grid_ec"))
        self.assertEqual(self.url_open("/odoo").status_code, 200)

    def test_portal_dealer(self):
        """shdealer / shdealer, 李敏 of the Shanghai city partner: a portal
        user who opens the Dealer Center."""
        self.authenticate("shdealer", "shdealer")
        user = self.env.ref("distribution_management.user_dealer_sh_lujiazui")
        dealer = self.env.ref("distribution_management.dist_sh_lujiazui")
        self.assertTrue(user.share)
        self.assertEqual(user.partner_id.commercial_partner_id, dealer)
        self.assertEqual(dealer.dms_state, "approved")
        response = self.url_open("/my/dms")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/my/dms"), response.url)
        self.assertIn(dealer.name, response.text)
