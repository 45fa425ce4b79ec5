import html
import re
from datetime import date, datetime, timedelta

from freezegun import freeze_time
from lxml import etree
from markupsafe import escape

from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
ERRORS_RE = re.compile(r'o_dms_application_errors".*?<ul[^>]*>(.*?)</ul>', re.S)
ERROR_ITEM_RE = re.compile(r"<li>(.*?)</li>", re.S)
KEPT_RE = re.compile(
    r'name="doc_keep_(\d+)".*?Already chosen: <strong>(.*?)</strong>', re.S
)


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

    # ------------------------------------------------------------------
    # Files kept after a refused attempt
    # ------------------------------------------------------------------
    def _kept_names(self, response):
        """{document type id: file name} the form says are already chosen."""
        return {
            int(type_id): html.unescape(name)
            for type_id, name in KEPT_RE.findall(response.text)
        }

    def _keep_all(self, data, files):
        """The second attempt: the kept files ticked, nothing uploaded."""
        data = dict(data)
        for key in files:
            data[key.replace("doc_file_", "doc_keep_")] = "1"
        return data

    def test_files_kept_after_error(self):
        data, files = self._payload()
        data["email"] = "not-an-email"
        response = self._assert_refused(data, files, "The email address is not valid.")
        expected = {
            int(key.removeprefix("doc_file_")): name
            for key, (name, _content, _mime) in files.items()
        }
        self.assertEqual(self._kept_names(response), expected)
        self.assertIn("Already chosen:", response.text)
        # the second attempt, the email corrected and no file chosen again
        data = self._keep_all(dict(data, email="li.lei@example.com"), files)
        response = self._post(data, {})
        self.assertEqual(response.status_code, 200, self._errors(response))
        partner = self.env["res.partner"].search([("name", "=", data["company_name"])])
        self.assertEqual(len(partner), 1)
        documents = partner.dms_document_ids
        self.assertEqual(len(documents), len(files))
        for document in documents:
            name, content, _mime = files[f"doc_file_{document.type_id.id}"]
            self.assertEqual(document.attachment_id.name, name)
            self.assertEqual(document.attachment_id.raw, content)
            self.assertEqual(document.attachment_id.res_id, document.id)
        # used, the kept files are gone
        self.assertFalse(self.env["dms.application.upload"].search([]))

    def test_kept_file_replaced_or_dropped(self):
        data, files = self._payload()
        data["email"] = "nope"
        self._post(data, files)
        license_key = f"doc_file_{self.license_type.id}"
        # a bad replacement is refused and leaves the kept file in place
        bogus = {license_key: ("license.exe", b"MZ\x90\x00", "application/exe")}
        response = self._post(self._keep_all(data, files), bogus)
        self.assertEqual(response.status_code, 400)
        self.assertIn("license.exe is not an accepted file", response.text)
        self.assertEqual(
            self._kept_names(response)[self.license_type.id], "license.pdf"
        )
        # a good replacement is used
        new = {license_key: ("license-2025.pdf", PDF + b"2025", "application/pdf")}
        response = self._post(self._keep_all(data, files), new)
        self.assertEqual(
            self._kept_names(response)[self.license_type.id], "license-2025.pdf"
        )
        # unticked, the kept file is not sent
        unticked = self._keep_all(dict(data, email="li@example.com"), files)
        del unticked[f"doc_keep_{self.license_type.id}"]
        self._assert_refused(
            unticked, {}, f"Please attach your {self.license_type.name}."
        )
        response = self._post(self._keep_all(data, files), {})
        self.assertNotIn(self.license_type.id, self._kept_names(response))

    def test_kept_file_not_for_another_session(self):
        data, files = self._payload()
        data["email"] = "nope"
        self._post(data, files)
        uploads = self.env["dms.application.upload"].search([])
        self.assertEqual(len(uploads), len(files), "the valid files are kept")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "dms.application.upload"), ("res_field", "=", "file")]
        )
        self.assertEqual(len(attachments), len(files))
        # another visitor, sending the same ticks, gets nothing
        self.authenticate(None, None)
        data = self._keep_all(dict(data, email="li@example.com"), files)
        response = self._assert_refused(
            data, {}, f"Please attach your {self.license_type.name}."
        )
        self.assertNotIn("Already chosen:", response.text)
        self.assertFalse(self._kept_names(response))
        for attachment in attachments:
            for url in (
                f"/web/content/{attachment.id}",
                f"/web/content/dms.application.upload/{attachment.res_id}/file",
            ):
                with self.subTest(url=url):
                    response = self.url_open(url)
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotIn(PDF, response.content)
        # the first visitor's files are still there, untouched
        self.assertEqual(self.env["dms.application.upload"].search([]), uploads)

    # ------------------------------------------------------------------
    # Licences with no expiry (长期)
    # ------------------------------------------------------------------
    def test_license_with_no_expiry(self):
        data, files = self._payload()
        # every dated document long-term: the checklist holds in 2199
        for key in [k for k in data if k.startswith("doc_expiry_")]:
            del data[key]
            data[key.replace("doc_expiry_", "doc_no_expiry_")] = "1"
        response = self._post(data, files)
        self.assertEqual(response.status_code, 200, self._errors(response))
        partner = self.env["res.partner"].search([("name", "=", data["company_name"])])
        license_doc = partner.dms_document_ids.filtered(
            lambda d: d.type_id == self.license_type
        )
        self.assertTrue(license_doc.no_expiry)
        self.assertFalse(license_doc.expiry_date)
        for document in partner.dms_document_ids:
            document.action_accept()
        with freeze_time("2199-12-31"):
            license_doc.invalidate_recordset(["is_expired"])
            self.assertFalse(license_doc.is_expired)
            partner.invalidate_recordset(["dms_checklist_ok"])
            self.assertTrue(partner.dms_checklist_ok, partner.dms_checklist_missing)
            expired = self.env["dms.document"].search(self._expired_filter())
            self.assertNotIn(license_doc, expired)

    def test_no_expiry_wins_over_a_date(self):
        """A date sent with the box ticked (no browser script) is dropped."""
        data, files = self._payload()
        data[f"doc_no_expiry_{self.license_type.id}"] = "1"
        response = self._post(data, files)
        self.assertEqual(response.status_code, 200, self._errors(response))
        document = self.env["dms.document"].search(
            [("partner_id.name", "=", data["company_name"])]
        )
        license_doc = document.filtered(lambda d: d.type_id == self.license_type)
        self.assertEqual(
            (license_doc.no_expiry, license_doc.expiry_date), (True, False)
        )

    def test_no_expiry_checkbox_kept_after_error(self):
        data, files = self._payload()
        del data[f"doc_expiry_{self.license_type.id}"]
        data[f"doc_no_expiry_{self.license_type.id}"] = "1"
        data["email"] = "nope"
        response = self._post(data, files)
        self.assertEqual(response.status_code, 400)
        self.assertRegex(
            response.text,
            rf'name="doc_no_expiry_{self.license_type.id}"[^>]*checked',
        )
        self.assertNotIn("Please give the expiry date", response.text)

    def _expired_filter(self):
        view = self.env.ref("distribution_management.view_dms_document_search")
        node = etree.fromstring(view.arch).find(".//filter[@name='expired']")
        today = date.today()
        return safe_eval(
            node.get("domain"),
            {"context_today": lambda: today, "datetime": datetime},
        )

    # ------------------------------------------------------------------
    # States: the chosen country's only
    # ------------------------------------------------------------------
    def _state_options(self, text):
        select = re.search(r'<select[^>]*id="state_id".*?</select>', text, re.S)
        self.assertTrue(select, "the form has no state list")
        return {int(i) for i in re.findall(r'<option value="(\d+)"', select.group(0))}

    def test_page_holds_the_chosen_countrys_states_only(self):
        self.company.country_id = self.china
        response = self.url_open("/dms/apply")
        china_states = self.env["res.country.state"].search(
            [("country_id", "=", self.china.id)]
        )
        self.assertEqual(self._state_options(response.text), set(china_states.ids))
        self.assertRegex(response.text, rf'<option value="{self.china.id}" selected=')
        self.assertNotIn(str(escape(self.us_state.name)), response.text)
        self.assertNotIn("data-country-id", response.text)
        # the 1,777 states of every country weighed 232 KB
        self.assertLess(len(response.content), 100_000)
        # refused, the page lists the states of the country sent
        data, files = self._payload()
        data.update(country_id=str(self.us_state.country_id.id), state_id="")
        data["email"] = "nope"
        response = self._post(data, files)
        us_states = self.env["res.country.state"].search(
            [("country_id", "=", self.us_state.country_id.id)]
        )
        self.assertEqual(self._state_options(response.text), set(us_states.ids))

    def test_states_route(self):
        response = self.url_open(f"/dms/apply/states?country_id={self.china.id}")
        self.assertEqual(response.status_code, 200)
        states = response.json()["states"]
        expected = self.env["res.country.state"].search(
            [("country_id", "=", self.china.id)]
        )
        self.assertEqual({s["id"] for s in states}, set(expected.ids))
        self.assertEqual({s["name"] for s in states}, set(expected.mapped("name")))
        no_states = self.env["res.country"].create({"name": "Nostate", "code": "QZ"})
        response = self.url_open(f"/dms/apply/states?country_id={no_states.id}")
        self.assertEqual(response.json(), {"states": []})
        missing = self.env["res.country"].search([], order="id desc", limit=1).id + 1
        for value in ("", "abc", "-1", "1.5", "0x10", str(missing), "9" * 30):
            with self.subTest(country_id=value):
                response = self.url_open(f"/dms/apply/states?country_id={value}")
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.json(), {"error": "Please choose a country from the list."}
                )
        self.assertEqual(self.url_open("/dms/apply/states").status_code, 400)
