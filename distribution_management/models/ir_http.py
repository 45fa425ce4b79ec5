from werkzeug.exceptions import BadRequest, NotFound

from odoo import models

from ..tools.number import MAX_ID

ADDON_MODULE = "odoo.addons.distribution_management"
# a URL or form value longer than this is no input of ours
MAX_PARAM_LENGTH = 100000
# the only form fields of our routes that carry files
FILE_FIELDS = ("file", "doc_file_")
# whose script translations the portal loads: mail's chatter, ours
FRONTEND_MODULES = ["mail", "distribution_management"]


def _is_our_endpoint(endpoint):
    method = getattr(endpoint, "func", endpoint)
    controller = getattr(method, "__self__", None)
    name = getattr(endpoint, "__name__", None)
    return bool(controller and name) and any(
        cls.__module__.startswith(ADDON_MODULE) and name in cls.__dict__
        for cls in type(controller).__mro__
    )


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal's chatter (statements, returns, orders) is mail's: its
        words ("The conversation is empty.", "Send") come from mail's
        translations, which the portal did not load for the dealer; ours
        too, for the portal's scripts."""
        return super()._get_translation_frontend_modules_name() + FRONTEND_MODULES

    @classmethod
    def _pre_dispatch(cls, rule, args):
        res = super()._pre_dispatch(rule, args)
        if _is_our_endpoint(rule.endpoint):
            cls._dms_check_input(args)
        return res

    @classmethod
    def _dms_check_input(cls, args):
        """Refuse hostile input of our routes before any controller runs:
        PostgreSQL refuses NUL characters in text (an error page, not an
        answer), ids beyond its integer range fail the query, and files sent
        in place of text break the code reading the text. One 400 (404 for
        ids in URLs) for all, nothing read nor written."""
        from odoo.http import request

        def refused():
            return BadRequest(
                request.env._(
                    "The request holds a value that is not allowed here (a NUL "
                    "character, a text of more than %(max)s characters or a file "
                    "in place of a text): nothing was done.",
                    max=MAX_PARAM_LENGTH,
                )
            )

        for value in args.values():
            if isinstance(value, int) and not 0 <= value <= MAX_ID:
                raise NotFound()
            if isinstance(value, str) and (
                "\x00" in value or len(value) > MAX_PARAM_LENGTH
            ):
                raise refused()
        for key, value in request.get_http_params().items():
            if "\x00" in key:
                raise refused()
            if isinstance(value, str):
                if "\x00" in value or len(value) > MAX_PARAM_LENGTH:
                    raise refused()
            elif not key.startswith(FILE_FIELDS) or "\x00" in (
                getattr(value, "filename", None) or ""
            ):
                raise refused()
