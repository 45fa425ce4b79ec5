"""Bounds of uploaded files, checked before anything parses them.

An XLSX file is a zip archive: a few kilobytes can unpack to gigabytes (a
zip bomb). The archive's directory says what each member unpacks to, and
Python's zipfile never inflates a member beyond that declared size (it
stops, then fails the CRC), so summing the declared sizes bounds the work of
any parser that follows, in milliseconds.
"""

import io
import zipfile

from odoo.exceptions import UserError

# what a dealer's stock sheet of a few thousand rows never comes near
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 500


def check_xlsx_bounds(env, content, max_unpacked=MAX_UNPACKED_BYTES):
    """Refuse an XLSX whose archive is broken or unpacks to too much."""
    _ = env._
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UserError(
            _("The file is not a valid XLSX workbook: it may be truncated or damaged.")
        ) from None
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > max_unpacked:
        raise UserError(
            _(
                "The workbook unpacks to more than %(max)s MB: keep only the "
                "stock quantities in it.",
                max=max_unpacked // (1024 * 1024),
            )
        )
    return members
