from odoo import _, api, models
from odoo.exceptions import ValidationError

# fields whose value PostgreSQL stores as text
TEXT_TYPES = ("char", "text", "html", "selection")


class Base(models.AbstractModel):
    """Text with a NUL character refused with a clear error, on every model.

    PostgreSQL refuses NUL characters in text: written through RPC, an import
    or a form, such a value fails the query with a database error instead of
    telling the user what is wrong. The add-on's web pages refuse it before
    any code runs (``ir_http``); this covers every other way in.
    """

    _inherit = "base"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dms_refuse_nul(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._dms_refuse_nul(vals)
        return super().write(vals)

    @api.model
    def _dms_refuse_nul(self, vals):
        for name, value in vals.items():
            if isinstance(value, str) and "\x00" in value:
                field = self._fields.get(name)
                if field and field.type in TEXT_TYPES:
                    raise ValidationError(
                        _(
                            "%(field)s holds a NUL character, which cannot be "
                            "stored: remove it and try again.",
                            field=field._description_string(self.env),
                        )
                    )
