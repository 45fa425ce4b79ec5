from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import DmsCommon


@tagged("post_install", "-at_install")
class TestNetwork(DmsCommon):
    def test_levels(self):
        self.assertEqual(
            (self.dist_a | self.dist_b | self.dist_c).mapped("dms_level"), [1, 2, 3]
        )
        self.assertEqual(self.dist_a.dms_downline_count, 1)
        self.dist_c.dms_parent_id = self.dist_a
        self.assertEqual(self.dist_c.dms_level, 2)
        self.dist_b.dms_parent_id = False
        self.assertEqual(self.dist_b.dms_level, 1)
        self.assertEqual(self.dist_a.dms_downline_count, 1)
        self.assertEqual(
            self.env["res.partner"].search(
                self.dist_a.action_dms_view_downline()["domain"]
            ),
            self.dist_c,
        )

    def test_three_level_cap(self):
        level_4 = self._create_distributor("Level 4", "approved", zip_code="200120")
        with self.assertRaisesRegex(ValidationError, "at most 3 levels"):
            level_4.dms_parent_id = self.dist_c
        # moving a subtree must keep its bottom within the cap too
        top = self._create_distributor("Top", "approved", zip_code="200120")
        with self.assertRaisesRegex(ValidationError, "at most 3 levels"):
            self.dist_a.dms_parent_id = top

    def test_company_depth_setting(self):
        with self.assertRaisesRegex(ValidationError, "already has 3 levels"):
            self.company.dms_max_depth = 2
        self.dist_c.dms_parent_id = False
        self.company.dms_max_depth = 2
        with self.assertRaises(ValidationError):
            self._create_distributor("Deep", "approved", parent=self.dist_b)
        with self.assertRaises(ValidationError):
            self.company.dms_max_depth = 4

    def test_no_cycles(self):
        with self.assertRaisesRegex(ValidationError, "own upline"):
            self.dist_a.dms_parent_id = self.dist_a
        with self.assertRaisesRegex(ValidationError, "own upline|at most"):
            self.dist_a.dms_parent_id = self.dist_c

    def test_only_distributors_have_upline(self):
        customer = self.env["res.partner"].create({"name": "Plain customer"})
        with self.assertRaises(ValidationError):
            customer.dms_parent_id = self.dist_a

    def test_referral_code(self):
        self.dist_a.dms_referral_code = " abcd1234 "
        self.assertEqual(self.dist_a.dms_referral_code, "ABCD1234")
        for bad in ("AB", "ABC-123", "X" * 21):
            with self.subTest(code=bad), self.assertRaises(ValidationError):
                self.dist_b.dms_referral_code = bad
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.dist_b.dms_referral_code = "ABCD1234"

    def test_contract_dates(self):
        with self.assertRaises(ValidationError):
            self.dist_a.write(
                {
                    "dms_contract_start": fields.Date.today(),
                    "dms_contract_end": fields.Date.today() - timedelta(days=1),
                }
            )

    def test_exclusive_grid(self):
        self.dist_south.dms_exclusive_grid = True
        with self.assertRaisesRegex(ValidationError, "exclusively"):
            self._create_distributor(
                "Rival",
                "approved",
                zip_code="510630",
                region=self.guangdong_state,
                city="Guangzhou",
            )
        # an application in that grid may exist, approval is refused
        rival = self._create_distributor(
            "Rival",
            "submitted",
            zip_code="510630",
            region=self.guangdong_state,
            city="Guangzhou",
        )
        self._accept_required_documents(rival)
        with self.assertRaisesRegex(ValidationError, "exclusively"):
            rival.action_dms_approve()
        # two approved distributors in a grid cannot make one exclusive
        with self.assertRaises(ValidationError):
            self.dist_b.dms_exclusive_grid = True

    def _document_file(self, document):
        return self.env["ir.attachment"].create(
            {
                "name": "licence.pdf",
                "raw": b"%PDF-1.4 licence",
                "res_model": "dms.document",
                "res_id": document.id,
            }
        )

    def _accept_required_documents(self, partner):
        for doc_type in self.env["dms.document.type"].search([("required", "=", True)]):
            self.env["dms.document"].create(
                {
                    "partner_id": partner.id,
                    "type_id": doc_type.id,
                    "name": "91310000X",
                    "expiry_date": fields.Date.today() + timedelta(days=365),
                    "review_state": "accepted",
                }
            )

    def test_workflow_full_cycle(self):
        self.company.dms_default_tier_id = self.tier_senior
        applicant = self._create_distributor(
            "Applicant", "draft", zip_code="201203", dms_tier_id=False
        )
        applicant.action_dms_submit()
        self.assertEqual(applicant.dms_state, "submitted")
        self.assertTrue(applicant.dms_applied_on)
        # documents missing: refused with the list
        with self.assertRaisesRegex(UserError, "Business License"):
            applicant.action_dms_approve()
        self._accept_required_documents(applicant)
        applicant.action_dms_approve()
        self.assertEqual(applicant.dms_state, "approved")
        self.assertEqual(applicant.dms_tier_id, self.tier_senior)
        self.assertRegex(applicant.dms_referral_code, r"^[A-Z0-9]{8}$")
        self.assertEqual(applicant.dms_approved_by_id, self.env.user)
        self.assertEqual(applicant.dms_grid_id, self.grid_zhangjiang)
        portal_user = applicant.user_ids
        self.assertTrue(portal_user.has_group("base.group_portal"))
        # suspend needs a reason, through the wizard
        action = applicant.action_dms_suspend()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.reason = "Late payments"
        wizard.save().action_confirm()
        self.assertEqual(applicant.dms_state, "suspended")
        self.assertEqual(applicant.dms_state_reason, "Late payments")
        applicant.action_dms_reactivate()
        self.assertEqual(applicant.dms_state, "approved")
        self.assertFalse(applicant.dms_state_reason)
        applicant._dms_apply_transition("terminated", "Contract ended")
        self.assertEqual(applicant.dms_state, "terminated")
        self.assertFalse(portal_user.active, "portal access revoked")

    def test_invalid_transitions(self):
        with self.assertRaises(UserError):
            self.dist_a.action_dms_submit()
        with self.assertRaises(UserError):
            self.dist_a.action_dms_reset_to_draft()
        with self.assertRaises(UserError):
            self.dist_a.action_dms_reactivate()
        with self.assertRaises(UserError):
            self.dist_a._dms_apply_transition("rejected", "no")
        with self.assertRaisesRegex(UserError, "reason"):
            self.dist_a._dms_apply_transition("suspended", "  ")
        self.assertEqual(self.dist_a.dms_state, "approved")
        with self.assertRaises(UserError):
            self.dist_a.action_dms_make_distributor()

    def test_reject_and_retry(self):
        applicant = self._create_distributor("Retry", "submitted", zip_code="201203")
        applicant._dms_apply_transition("rejected", "Incomplete")
        self.assertEqual(applicant.dms_state, "rejected")
        applicant.action_dms_reset_to_draft()
        applicant.action_dms_submit()
        self.assertEqual(applicant.dms_state, "submitted")

    def test_approval_needs_email(self):
        applicant = self._create_distributor("No Mail", "submitted", zip_code="201203")
        applicant.email = False
        self._accept_required_documents(applicant)
        with self.assertRaisesRegex(UserError, "email"):
            applicant.action_dms_approve()
        self.company.dms_grant_portal_on_approval = False
        applicant.action_dms_approve()
        self.assertFalse(applicant.user_ids)

    def test_documents_review(self):
        applicant = self._create_distributor("Docs", "submitted", zip_code="201203")
        license_type = self.env.ref(
            "distribution_management.document_type_business_license"
        )
        document = self.env["dms.document"].create(
            {"partner_id": applicant.id, "type_id": license_type.id}
        )
        # no file, nothing to accept
        with self.assertRaisesRegex(UserError, "Attach the file"):
            document.action_accept()
        self.assertEqual(document.review_state, "to_review")
        document.attachment_id = self._document_file(document)
        with self.assertRaisesRegex(UserError, "expiry date"):
            document.action_accept()
        document.expiry_date = fields.Date.today() - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "expired"):
            document.action_accept()
        document.expiry_date = fields.Date.today() + timedelta(days=10)
        document.action_accept()
        self.assertEqual(document.reviewer_id, self.env.user)
        self.assertTrue(applicant.dms_checklist_ok)
        with self.assertRaises(UserError):
            document.action_accept()
        document.action_refuse()
        self.assertFalse(applicant.dms_checklist_ok)
        self.assertIn(license_type.name, applicant.dms_checklist_missing)
        self.assertEqual(document.dms_grid_id, self.grid_zhangjiang)

    def test_document_with_no_expiry(self):
        """A long-term licence (长期) is accepted without a date and never
        expires, whatever the day; it cannot carry a date as well."""
        applicant = self._create_distributor("Long", "submitted", zip_code="201203")
        license_type = self.env.ref(
            "distribution_management.document_type_business_license"
        )
        document = self.env["dms.document"].create(
            {"partner_id": applicant.id, "type_id": license_type.id}
        )
        form = Form(document, view="distribution_management.view_dms_document_form")
        form.expiry_date = fields.Date.today() - timedelta(days=1)
        form.no_expiry = True
        self.assertFalse(form.expiry_date, "ticking No Expiry clears the date")
        form.save()
        self.assertEqual((document.no_expiry, document.expiry_date), (True, False))
        document.attachment_id = self._document_file(document)
        document.action_accept()
        with freeze_time("2199-12-31"):
            document.invalidate_recordset(["is_expired"])
            self.assertFalse(document.is_expired)
            applicant.invalidate_recordset(["dms_checklist_ok"])
            self.assertNotIn(license_type.name, applicant.dms_checklist_missing or "")
        with self.assertRaisesRegex(ValidationError, "cannot have an expiry date"):
            document.expiry_date = fields.Date.today() + timedelta(days=10)
        # unticked, the date counts again
        document.write(
            {"no_expiry": False, "expiry_date": fields.Date.today() - timedelta(1)}
        )
        self.assertTrue(document.is_expired)

    def test_distributor_form(self):
        form = Form(
            self.env["res.partner"].with_context(default_dms_state="draft"),
            view="distribution_management.view_dms_distributor_form",
        )
        form.name = "Form Dist"
        form.country_id = self.china
        form.state_id = self.shanghai_state
        form.city = "Shanghai"
        form.zip = "201203"
        form.dms_parent_id = self.dist_b
        partner = form.save()
        self.assertEqual(partner.dms_state, "draft")
        self.assertEqual(partner.dms_level, 3)
        self.assertEqual(partner.dms_grid_id, self.grid_zhangjiang)
        self.assertEqual(partner.dms_document_ids, self.env["dms.document"])
