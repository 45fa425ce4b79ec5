"""Files of an online application kept between two attempts.

When the public form comes back with an error, the browser has forgotten the
files the applicant chose: the valid ones are kept here, under a random token
held in the visitor's server-side session, and the form offers them again
("already chosen: license.pdf"). Nothing else of a refused application is
written. The records are transient: they are vacuumed after a few hours, and
the successful submission that uses them deletes them.

Only the application controller reads them, with ``sudo()``, by the token of
the current session; no group but the administrators has access rights, so
their files cannot be downloaded by another visitor.
"""

import base64

from odoo import api, fields, models


class DmsApplicationUpload(models.TransientModel):
    _name = "dms.application.upload"
    _description = "Application File Kept Between Attempts"
    # an applicant may take a while to find the right tax ID
    _transient_max_hours = 12.0

    token = fields.Char(required=True, index=True)
    type_id = fields.Many2one("dms.document.type", required=True, ondelete="cascade")
    file_name = fields.Char(required=True)
    file = fields.Binary(attachment=True, required=True)

    @api.model
    def _dms_kept(self, token):
        """{document type: (file name, content)} kept under ``token``."""
        uploads = self.search([("token", "=", token)])
        return {u.type_id: (u.file_name, base64.b64decode(u.file)) for u in uploads}

    @api.model
    def _dms_keep(self, token, files):
        """Keep exactly ``files`` ({document type: (file name, content)})."""
        self.search([("token", "=", token)]).unlink()
        self.create(
            [
                {
                    "token": token,
                    "type_id": doc_type.id,
                    "file_name": name,
                    "file": base64.b64encode(content),
                }
                for doc_type, (name, content) in files.items()
            ]
        )
