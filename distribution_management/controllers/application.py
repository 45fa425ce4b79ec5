import base64
import logging
import secrets
from datetime import date

from odoo import _, fields, http
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import SQL, email_normalize
from odoo.tools.mail import single_email_re

from ..tools.number import parse_id

_logger = logging.getLogger(__name__)

# extension -> accepted leading bytes: the file type is checked on content,
# not only on the name the browser sends
ALLOWED_FILE_TYPES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
# the session key of the token under which the files of a refused attempt
# are kept (see wizards/dms_application_upload.py)
UPLOAD_TOKEN_KEY = "dms_application_upload_token"
# the routes of the public application page
PUBLIC_PAGE = {"type": "http", "auth": "public", "website": True, "sitemap": False}


class DmsApplication(http.Controller):
    def _application_company(self):
        return request.env.company

    def _application_values(self, post=None, errors=None):
        env = request.env
        company = self._application_company()
        post = post or {}
        country = company.country_id
        if "country_id" in post:
            country = self._country(post["country_id"])
        document_types = (
            env["dms.document.type"]
            .sudo()
            .search(["|", ("company_id", "=", False), ("company_id", "=", company.id)])
        )
        return {
            "post": post,
            "errors": errors or [],
            "countries": env["res.country"].sudo().search([]),
            # the chosen country's only: the page fetches the others' on demand
            "states": self._country_states(country),
            "selected_country_id": str(country.id or ""),
            "document_types": document_types,
            # document type id -> name of the file kept from an earlier attempt
            "kept_files": {},
            "max_file_mb": company.dms_application_max_file_mb,
            "allowed_extensions": ", ".join(sorted(ALLOWED_FILE_TYPES)),
        }

    def _country(self, raw_id):
        """The country of an id typed in a form or URL, or an empty record."""
        return request.env["res.country"].sudo().browse(parse_id(raw_id) or []).exists()

    def _country_states(self, country):
        states = request.env["res.country.state"].sudo()
        return states.search([("country_id", "=", country.id)]) if country else states

    @http.route("/dms/apply", methods=["GET"], **PUBLIC_PAGE)
    def application_form(self, **kwargs):
        prefill = {"referral_code": (kwargs.get("referral_code") or "")[:20]}
        return request.render(
            "distribution_management.application_form",
            self._application_values(prefill),
        )

    @http.route("/dms/apply/states", methods=["GET"], readonly=True, **PUBLIC_PAGE)
    def application_states(self, country_id=None, **kwargs):
        """The states of one country, for the form's state list: [{id, name}]."""
        country = self._country(country_id)
        if not country:
            error = _("Please choose a country from the list.")
            return request.make_json_response({"error": error}, status=400)
        states = self._country_states(country)
        return request.make_json_response(
            {"states": [{"id": s.id, "name": s.name} for s in states]}
        )

    @http.route("/dms/apply", methods=["POST"], **PUBLIC_PAGE)
    def application_submit(self, **post):
        post = {k: v.strip() if isinstance(v, str) else v for k, v in post.items()}
        values = self._application_values(post)
        # the files of an earlier attempt of this session: the token is in the
        # server-side session, never in the form
        Upload = request.env["dms.application.upload"].sudo()
        token = request.session.get(UPLOAD_TOKEN_KEY) or secrets.token_urlsafe(32)
        kept = Upload._dms_kept(token)
        errors = self._validate_fields(post)
        file_errors, files = self._validate_files(post, values["document_types"], kept)
        errors += file_errors
        partner = None
        if not errors:
            try:
                with request.env.cr.savepoint():
                    partner = self._create_application(post, files)
            except ValidationError as error:
                errors.append(str(error.args[0]))
        # kept for the next attempt, or dropped once used
        Upload._dms_keep(token, {} if partner else files)
        if errors:
            request.session[UPLOAD_TOKEN_KEY] = token
            values["errors"] = errors
            values["kept_files"] = {t.id: name for t, (name, _c) in files.items()}
            response = request.render(
                "distribution_management.application_form", values
            )
            response.status_code = 400
            return response
        request.session.pop(UPLOAD_TOKEN_KEY, None)
        return request.render(
            "distribution_management.application_thanks", {"partner": partner}
        )

    def _validate_fields(self, post):
        env = request.env
        errors = []
        labels = {
            "company_name": _("Company name"),
            "contact_name": _("Contact person"),
            "email": _("Email"),
            "phone": _("Phone"),
            "vat": _("Tax ID"),
            "country_id": _("Country"),
            "city": _("City"),
            "street": _("Street"),
        }
        errors += [
            _("%(field)s is required.", field=label)
            for field, label in labels.items()
            if not post.get(field)
        ]
        if post.get("email") and not single_email_re.match(post["email"]):
            errors.append(_("The email address is not valid."))
        country = post.get("country_id") or ""
        country_id = parse_id(country)
        if country and not (
            country_id and env["res.country"].sudo().browse(country_id).exists()
        ):
            errors.append(_("Please choose a country from the list."))
        state = post.get("state_id") or ""
        if state and (
            not parse_id(state)
            or env["res.country.state"]
            .sudo()
            .browse(parse_id(state))
            .exists()
            .country_id.id
            != country_id
        ):
            errors.append(_("Please choose a state of the selected country."))
        errors += self._validate_vat(post.get("vat") or "")
        referral = (post.get("referral_code") or "").upper()
        if referral and not env["res.partner"]._dms_distributors_by_code([referral]):
            errors.append(_("The referral code is not valid."))
        for key, value in post.items():
            if key.startswith("doc_expiry_") and value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    errors.append(_("An expiry date is not a valid date."))
        return errors

    def _validate_vat(self, vat):
        vat = vat.replace(" ", "").upper()
        if not vat:
            return []
        if not vat.isalnum() or not 5 <= len(vat) <= 30:
            return [_("The tax ID must be 5 to 30 letters or digits.")]
        # compare without spaces nor case: "9131 0000 ma1f" is "91310000MA1F"
        request.env["res.partner"].flush_model(["vat"])
        request.env.cr.execute(
            SQL(
                "SELECT 1 FROM res_partner "
                "WHERE upper(replace(vat, ' ', '')) = %s LIMIT 1",
                vat,
            )
        )
        if request.env.cr.fetchone():
            return [
                _(
                    "A company with this tax ID is already registered. If you "
                    "already applied, please wait for our answer or contact us."
                )
            ]
        return []

    def _validate_files(self, post, document_types, kept):
        """The errors of the documents, and their files by type: uploaded now,
        or ``kept`` from an earlier attempt and still ticked on the form."""
        errors = []
        files = {}
        max_mb = self._application_company().dms_application_max_file_mb
        httpfiles = request.httprequest.files
        for doc_type in document_types:
            upload = httpfiles.get(f"doc_file_{doc_type.id}")
            error = None
            if upload and upload.filename:
                content = upload.read(max_mb * 1024 * 1024 + 1)
                error = self._file_error(upload.filename, content, max_mb)
                if not error:
                    files[doc_type] = (upload.filename, content)
            # a bad replacement leaves the file chosen before in place
            if doc_type in kept and post.get(f"doc_keep_{doc_type.id}"):
                files.setdefault(doc_type, kept[doc_type])
            if error:
                errors.append(error)
            elif doc_type.required and doc_type not in files:
                errors.append(
                    _("Please attach your %(document)s.", document=doc_type.name)
                )
            elif doc_type in files and doc_type.requires_expiry:
                if not (
                    post.get(f"doc_expiry_{doc_type.id}")
                    or post.get(f"doc_no_expiry_{doc_type.id}")
                ):
                    errors.append(
                        _(
                            "Please give the expiry date of your %(document)s.",
                            document=doc_type.name,
                        )
                    )
        return errors, files

    def _file_error(self, filename, content, max_mb):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if len(content) > max_mb * 1024 * 1024:
            return _("%(file)s is larger than %(size)s MB.", file=filename, size=max_mb)
        if not content:
            return _("%(file)s is empty.", file=filename)
        if extension not in ALLOWED_FILE_TYPES or not content.startswith(
            ALLOWED_FILE_TYPES[extension]
        ):
            return _(
                "%(file)s is not an accepted file: send a PDF, PNG or JPEG.",
                file=filename,
            )
        return None

    def _create_application(self, post, files):
        env = request.env(su=True)
        company = self._application_company()
        upline = env["res.partner"]
        if post.get("referral_code"):
            upline = env["res.partner"].search(
                [
                    ("dms_referral_code", "=", post["referral_code"].upper()),
                    ("dms_state", "=", "approved"),
                ],
                limit=1,
            )
        lang = request.env.context.get("lang")
        partner = env["res.partner"].create(
            {
                "name": post["company_name"],
                "is_company": True,
                "company_id": company.id,
                "email": email_normalize(post["email"]),
                "phone": post["phone"],
                "vat": post["vat"].replace(" ", "").upper(),
                "street": post["street"],
                "city": post["city"],
                "zip": post.get("zip") or False,
                "country_id": parse_id(post["country_id"]),
                "state_id": parse_id(post.get("state_id")) or False,
                "lang": lang
                if lang in dict(env["res.lang"].get_installed())
                else False,
                "dms_state": "submitted",
                "dms_applied_on": fields.Datetime.now(),
                "dms_parent_id": upline.id,
                "dms_application_note": post.get("message") or False,
            }
        )
        env["res.partner"].create(
            {"parent_id": partner.id, "name": post["contact_name"], "type": "contact"}
        )
        for doc_type, (filename, content) in files.items():
            no_expiry = bool(post.get(f"doc_no_expiry_{doc_type.id}"))
            expiry = post.get(f"doc_expiry_{doc_type.id}")
            document = env["dms.document"].create(
                {
                    "partner_id": partner.id,
                    "type_id": doc_type.id,
                    "name": post.get(f"doc_number_{doc_type.id}") or False,
                    "no_expiry": no_expiry,
                    "expiry_date": (not no_expiry and expiry) or False,
                }
            )
            document.attachment_id = env["ir.attachment"].create(
                {
                    "name": filename,
                    "datas": base64.b64encode(content),
                    "res_model": "dms.document",
                    "res_id": document.id,
                }
            )
        partner.message_post(
            body=_(
                "Application submitted online by %(contact)s.",
                contact=post["contact_name"],
            )
        )
        _logger.info("Distributor application %s submitted online", partner.id)
        return partner
