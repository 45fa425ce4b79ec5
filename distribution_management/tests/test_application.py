import html
import re
from datetime import date, timedelta

from markupsafe import escape

from odoo.tests import HttpCase, tagged

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
ERRORS_RE = re.compile(r'o_dms_application_errors".*?<ul[^>]*>(.*?)</ul>', re.S)
ERROR_ITEM_RE = re.compile(r"<li>(.*?)</li>", re.S)


@tagged("post_install", "-at_install")
class TestApplicationPage(HttpCase):
    """The public application page /dms/apply: form, submission, validation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.china = cls.env.ref("base.cn")
        cls.shanghai = cls.env.ref("base.state_cn_SH")
        cls.us_state = cls.env["res.country.state"].search(
            [("country_id", "=", cls.env.ref("base.us").id)], limit=1
        )
        cls.license_type = cls.env.ref(
            "distribution_management.document_type_business_license"
        )
        cls.legal_id_type = cls.env.ref(
            "distribution_management.document_type_legal_id"
        )
        cls.license_type.write({"required": True, "requires_expiry": True})
        cls.legal_id_type.write({"required": False, "requires_expiry": False})
        # every type the page shows that is required for the application
        cls.required_types = cls.env["dms.document.type"].search(
            [
                ("required", "=", True),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", cls.company.id),
            ]
        )
        cls.expiry = (date.today() + timedelta(days=365)).isoformat()
        cls.upline = cls.env["res.partner"].create(
            {
                "name": "Application Upline",
                "is_company": True,
                "email": "upline@example.com",
                "country_id": cls.china.id,
                "dms_state": "approved",
                "dms_referral_code": "TAPPUP88",
            }
        )

    def setUp(self):
        super().setUp()
        # a saved anonymous session: the CSRF token is bound to its id
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _payload(self, n=0):
        """A valid application: form fields and uploaded files.

        ``n`` varies the tax ID, so that the subtests of a loop stay
        independent even when the add-on wrongly accepts one of them.
        """
        data = {
            "company_name": "Shanghai Test Trading Co., Ltd.",
            "contact_name": "Li Lei",
            "email": "Li.Lei@Example.com",
            "phone": "+86 21 5555 0100",
            "vat": f"9131 0000 ma1f l8xq {n:02d}",
            "street": "88 Century Avenue",
            "city": "Shanghai",
            "zip": "200120",
            "country_id": str(self.china.id),
            "state_id": str(self.shanghai.id),
            "message": "We sell in Pudong.",
            "referral_code": "",
        }
        files = {}
        for doc_type in self.required_types | self.legal_id_type:
            files[f"doc_file_{doc_type.id}"] = (
                f"doc_{doc_type.id}.pdf",
                PDF + f"type {doc_type.id}".encode(),
                "application/pdf",
            )
            data[f"doc_number_{doc_type.id}"] = f"NO-{doc_type.id}"
            if doc_type.requires_expiry:
                data[f"doc_expiry_{doc_type.id}"] = self.expiry
        files[f"doc_file_{self.license_type.id}"] = (
            "license.pdf",
            PDF,
            "application/pdf",
        )
        return data, files

    def _csrf_token(self):
        response = self.url_open("/dms/apply")
        self.assertEqual(response.status_code, 200, "GET /dms/apply must show the form")
        match = CSRF_RE.search(response.text)
        self.assertTrue(match, "the form has no CSRF token")
        return match.group(1)

    def _post(self, data, files, csrf=True):
        data = dict(data)
        if csrf:
            data["csrf_token"] = self._csrf_token()
        response = self.url_open("/dms/apply", data=data, files=files, timeout=60)
        self.env.invalidate_all()
        return response

    def _counts(self):
        return (
            self.env["res.partner"].with_context(active_test=False).search_count([]),
            self.env["dms.document"].search_count([]),
            # compiled asset bundles may be created lazily by any rendering
            self.env["ir.attachment"].search_count(
                ["|", ("url", "=", False), ("url", "not like", "/web/assets/")]
            ),
        )

    @staticmethod
    def _errors(response):
        """The error messages shown above the form."""
        match = ERRORS_RE.search(response.text)
        if not match:
            return []
        return [
            html.unescape(item).strip()
            for item in ERROR_ITEM_RE.findall(match.group(1))
        ]

    def _assert_refused(self, data, files, message):
        before = self._counts()
        response = self._post(data, files)
        errors = self._errors(response)
        self.assertEqual(
            response.status_code,
            400,
            f"the application was not refused, errors: {errors}",
        )
        self.assertTrue(
            any(message in error for error in errors),
            f"{message!r} is not among the errors shown: {errors}",
        )
        self.assertIn(str(escape(message)), response.text)
        self.assertEqual(self._counts(), before, "a refused application wrote records")
        return response

    # ------------------------------------------------------------------
    # Form and valid submissions
    # ------------------------------------------------------------------
    def test_form_get(self):
        response = self.url_open("/dms/apply")
        self.assertEqual(response.status_code, 200)
        text = response.text
        self.assertIn('action="/dms/apply"', text)
        self.assertIn('enctype="multipart/form-data"', text)
        self.assertIn('name="csrf_token"', text)
        for field in (
            "company_name",
            "vat",
            "contact_name",
            "email",
            "phone",
            "street",
            "country_id",
            "state_id",
            "city",
            "zip",
            "referral_code",
            "message",
        ):
            self.assertIn(f'name="{field}"', text)
        for doc_type in self.required_types | self.legal_id_type:
            self.assertIn(f'name="doc_file_{doc_type.id}"', text)
        self.assertIn(f'name="doc_expiry_{self.license_type.id}"', text)
        self.assertNotIn(f'name="doc_expiry_{self.legal_id_type.id}"', text)
        self.assertIn(str(escape(self.license_type.name)), text)

    def test_valid_application(self):
        data, files = self._payload()
        partners_before, documents_before, attachments_before = self._counts()
        response = self._post(data, files)
        self.assertEqual(response.status_code, 200, self._errors(response))
        self.assertIn("o_dms_application_thanks", response.text)
        self.assertIn("Thank you!", response.text)
        self.assertIn(str(escape(data["company_name"])), response.text)

        partner = self.env["res.partner"].search([("name", "=", data["company_name"])])
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.dms_state, "submitted")
        self.assertTrue(partner.is_company)
        self.assertEqual(partner.vat, "91310000MA1FL8XQ00")
        self.assertEqual(partner.email, "li.lei@example.com")
        self.assertEqual(partner.phone, data["phone"])
        self.assertEqual(partner.country_id, self.china)
        self.assertEqual(partner.state_id, self.shanghai)
        self.assertEqual(partner.city, "Shanghai")
        self.assertEqual(partner.street, "88 Century Avenue")
        self.assertEqual(partner.zip, "200120")
        self.assertEqual(partner.dms_application_note, "We sell in Pudong.")
        self.assertTrue(partner.dms_applied_on)
        self.assertFalse(partner.dms_parent_id)
        self.assertFalse(partner.dms_referral_code)
        self.assertEqual(len(partner.child_ids), 1)
        self.assertEqual(partner.child_ids.name, "Li Lei")
        self.assertEqual(partner.child_ids.type, "contact")

        expected_types = self.required_types | self.legal_id_type
        documents = partner.dms_document_ids
        self.assertEqual(documents.type_id, expected_types)
        self.assertEqual(len(documents), len(expected_types))
        for document in documents:
            self.assertEqual(document.review_state, "to_review")
            self.assertEqual(document.name, f"NO-{document.type_id.id}")
            attachment = document.attachment_id
            self.assertTrue(attachment)
            self.assertEqual(attachment.res_model, "dms.document")
            self.assertEqual(attachment.res_id, document.id)
            expected_name, expected_content, _mimetype = files[
                f"doc_file_{document.type_id.id}"
            ]
            self.assertEqual(attachment.name, expected_name)
            self.assertEqual(attachment.raw, expected_content)
            self.assertEqual(attachment.mimetype, "application/pdf")
        license_doc = documents.filtered(lambda d: d.type_id == self.license_type)
        self.assertEqual(license_doc.expiry_date, date.fromisoformat(self.expiry))
        self.assertEqual(license_doc.attachment_id.raw, PDF)
        legal_doc = documents.filtered(lambda d: d.type_id == self.legal_id_type)
        self.assertFalse(legal_doc.expiry_date)
        self.assertFalse(partner.dms_checklist_ok, "nothing is accepted yet")

        # exactly: the company and its contact, one document and one file per upload
        self.assertEqual(
            self._counts(),
            (
                partners_before + 2,
                documents_before + len(expected_types),
                attachments_before + len(expected_types),
            ),
        )

    def test_valid_application_referral(self):
        data, files = self._payload()
        data["referral_code"] = " tappup88 "
        response = self._post(data, files)
        self.assertEqual(response.status_code, 200, self._errors(response))
        partner = self.env["res.partner"].search([("name", "=", data["company_name"])])
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.dms_parent_id, self.upline)
        self.assertEqual(partner.dms_level, 2)
        self.assertIn(partner, self.upline.dms_child_ids)

    def test_valid_application_optional_documents(self):
        """Optional documents and optional fields may be left out."""
        data, files = self._payload()
        del files[f"doc_file_{self.legal_id_type.id}"]
        for key in (
            "zip",
            "state_id",
            "message",
            f"doc_number_{self.legal_id_type.id}",
        ):
            data.pop(key)
        response = self._post(data, files)
        self.assertEqual(response.status_code, 200, self._errors(response))
        partner = self.env["res.partner"].search([("name", "=", data["company_name"])])
        self.assertEqual(len(partner), 1)
        self.assertFalse(partner.state_id)
        self.assertFalse(partner.zip)
        self.assertEqual(partner.dms_document_ids.type_id, self.required_types)

    # ------------------------------------------------------------------
    # Refused submissions: HTTP 400, message, nothing written
    # ------------------------------------------------------------------
    def test_missing_required_fields(self):
        labels = {
            "company_name": "Company name",
            "contact_name": "Contact person",
            "email": "Email",
            "phone": "Phone",
            "vat": "Tax ID",
            "country_id": "Country",
            "city": "City",
            "street": "Street",
        }
        n = 0
        for field, label in labels.items():
            for mode in ("empty", "blank", "absent"):
                n += 1
                with self.subTest(field=field, mode=mode):
                    data, files = self._payload(n)
                    if mode == "absent":
                        del data[field]
                    else:
                        data[field] = "" if mode == "empty" else "   "
                    self._assert_refused(data, files, f"{label} is required.")

    def test_invalid_email(self):
        for n, email in enumerate(
            (
                "not-an-email",
                "li.lei@",
                "li.lei example.com",
                "li.lei@example.com, han.meimei@example.com",
            ),
            start=1,
        ):
            with self.subTest(email=email):
                data, files = self._payload(n)
                data["email"] = email
                response = self._assert_refused(
                    data, files, "The email address is not valid."
                )
                # the form is shown again with the submitted values
                self.assertIn(str(escape(data["company_name"])), response.text)

    def test_invalid_email_not_rewritten(self):
        """Addresses that email_normalize() "repairs" instead of refusing.

        '@example.com' has no local part, 'li.lei@@example.com' would be
        saved as '@example.com' and 'li lei@example.com' as 'lei@example.com':
        the applicant would never receive the answer nor the portal invitation.
        """
        emails = ("@example.com", "li.lei@@example.com", "li lei@example.com")
        for n, email in enumerate(emails, start=1):
            with self.subTest(email=email):
                data, files = self._payload(n)
                data["email"] = email
                self._assert_refused(data, files, "The email address is not valid.")

    def test_duplicate_vat(self):
        self.env["res.partner"].create(
            {"name": "Already There", "is_company": True, "vat": "91310000MA1FL8XQ00"}
        )
        message = (
            "A company with this tax ID is already registered. If you already "
            "applied, please wait for our answer or contact us."
        )
        for vat in (
            "91310000MA1FL8XQ00",
            "91310000ma1fl8xq00",
            " 9131 0000 Ma1F L8XQ 00 ",
        ):
            with self.subTest(vat=vat):
                data, files = self._payload()
                data["vat"] = vat
                self._assert_refused(data, files, message)

    def test_duplicate_vat_archived_lower_case(self):
        """Archived partners and partners saved in lower case count too."""
        self.env["res.partner"].create(
            {
                "name": "Archived Applicant",
                "is_company": True,
                "vat": "91310000ma1fl8xq00",
                "active": False,
            }
        )
        data, files = self._payload()
        self._assert_refused(
            data, files, "A company with this tax ID is already registered."
        )

    def test_duplicate_vat_saved_with_spaces(self):
        """A tax ID typed with spaces in the back-end is the same tax ID."""
        self.env["res.partner"].create(
            {
                "name": "Typed By Hand",
                "is_company": True,
                "vat": "9131 0000 ma1f l8xq 00",
            }
        )
        data, files = self._payload()
        data["vat"] = "91310000MA1FL8XQ00"
        self._assert_refused(
            data, files, "A company with this tax ID is already registered."
        )

    def test_invalid_vat(self):
        for n, vat in enumerate(("1234", "9131-0000-MA1F", "X" * 31), start=1):
            with self.subTest(vat=vat):
                data, files = self._payload(n)
                data["vat"] = vat
                self._assert_refused(
                    data, files, "The tax ID must be 5 to 30 letters or digits."
                )

    def test_unknown_referral_code(self):
        submitted = self.env["res.partner"].create(
            {
                "name": "Not Yet Approved",
                "is_company": True,
                "dms_state": "submitted",
                "dms_referral_code": "TNOTAPP8",
            }
        )
        self.assertTrue(submitted)
        # unknown, or the code of a distributor that is not approved
        for n, code in enumerate(("NOPE1234", "TNOTAPP8"), start=1):
            with self.subTest(code=code):
                data, files = self._payload(n)
                data["referral_code"] = code
                self._assert_refused(data, files, "The referral code is not valid.")

    def test_required_document_missing(self):
        data, files = self._payload()
        del files[f"doc_file_{self.license_type.id}"]
        self._assert_refused(
            data, files, f"Please attach your {self.license_type.name}."
        )

    def test_bad_file_extension(self):
        data, files = self._payload()
        files[f"doc_file_{self.license_type.id}"] = (
            "license.exe",
            b"MZ\x90\x00\x03\x00\x00\x00",
            "application/octet-stream",
        )
        self._assert_refused(
            data,
            files,
            "license.exe is not an accepted file: send a PDF, PNG or JPEG.",
        )

    def test_pdf_extension_with_other_content(self):
        data, files = self._payload()
        files[f"doc_file_{self.license_type.id}"] = (
            "license.pdf",
            b"MZ\x90\x00 this is not a PDF",
            "application/pdf",
        )
        self._assert_refused(
            data,
            files,
            "license.pdf is not an accepted file: send a PDF, PNG or JPEG.",
        )

    def test_oversize_file(self):
        self.env.company.dms_application_max_file_mb = 1
        data, files = self._payload()
        content = PDF + b"0" * (1024 * 1024 + 1 - len(PDF))
        self.assertEqual(len(content), 1024 * 1024 + 1)
        files[f"doc_file_{self.license_type.id}"] = (
            "license.pdf",
            content,
            "application/pdf",
        )
        self._assert_refused(data, files, "license.pdf is larger than 1 MB.")

    def test_file_at_size_limit(self):
        """Exactly the maximum size is accepted."""
        self.env.company.dms_application_max_file_mb = 1
        data, files = self._payload()
        content = PDF + b"0" * (1024 * 1024 - len(PDF))
        files[f"doc_file_{self.license_type.id}"] = (
            "license.pdf",
            content,
            "application/pdf",
        )
        response = self._post(data, files)
        self.assertEqual(response.status_code, 200, self._errors(response))
        partner = self.env["res.partner"].search([("name", "=", data["company_name"])])
        document = partner.dms_document_ids.filtered(
            lambda d: d.type_id == self.license_type
        )
        self.assertEqual(document.attachment_id.file_size, 1024 * 1024)

    def test_empty_file(self):
        data, files = self._payload()
        files[f"doc_file_{self.license_type.id}"] = (
            "license.pdf",
            b"",
            "application/pdf",
        )
        self._assert_refused(data, files, "license.pdf is empty.")

    def test_required_expiry_missing(self):
        for n, mode in enumerate(("empty", "absent"), start=1):
            with self.subTest(mode=mode):
                data, files = self._payload(n)
                if mode == "absent":
                    del data[f"doc_expiry_{self.license_type.id}"]
                else:
                    data[f"doc_expiry_{self.license_type.id}"] = ""
                self._assert_refused(
                    data,
                    files,
                    f"Please give the expiry date of your {self.license_type.name}.",
                )

    def test_malformed_expiry_date(self):
        for n, value in enumerate(("2030-13-45", "31/12/2030", "tomorrow"), start=1):
            with self.subTest(value=value):
                data, files = self._payload(n)
                data[f"doc_expiry_{self.license_type.id}"] = value
                self._assert_refused(data, files, "An expiry date is not a valid date.")

    def test_unknown_country(self):
        missing_id = (
            self.env["res.country"].search([], order="id desc", limit=1).id + 1000
        )
        for n, value in enumerate((str(missing_id), "abc", "-1"), start=1):
            with self.subTest(country=value):
                data, files = self._payload(n)
                data["country_id"] = value
                data.pop("state_id")
                self._assert_refused(
                    data, files, "Please choose a country from the list."
                )

    def test_state_of_other_country(self):
        self.assertTrue(self.us_state)
        missing_id = (
            self.env["res.country.state"].search([], order="id desc", limit=1).id + 1000
        )
        for n, value in enumerate(
            (str(self.us_state.id), str(missing_id), "abc"), start=1
        ):
            with self.subTest(state=value):
                data, files = self._payload(n)
                data["state_id"] = value
                self._assert_refused(
                    data, files, "Please choose a state of the selected country."
                )

    def test_several_errors_reported_together(self):
        data, files = self._payload()
        data["email"] = "nope"
        data["city"] = ""
        del files[f"doc_file_{self.license_type.id}"]
        response = self._assert_refused(data, files, "The email address is not valid.")
        self.assertIn("City is required.", response.text)
        self.assertIn(
            str(escape(f"Please attach your {self.license_type.name}.")), response.text
        )

    def test_post_without_csrf_token(self):
        data, files = self._payload()
        before = self._counts()
        with self.assertLogs("odoo.http", level="WARNING"):
            response = self._post(data, files, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("o_dms_application_thanks", response.text)
        self.assertEqual(self._counts(), before)
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", data["company_name"])])
        )

    def test_post_with_forged_csrf_token(self):
        data, files = self._payload()
        data["csrf_token"] = "0" * 40 + "o9999999999"
        before = self._counts()
        with self.assertLogs("odoo.http", level="WARNING"):
            response = self._post(data, files, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)
