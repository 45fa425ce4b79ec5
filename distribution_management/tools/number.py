"""One parser for the numbers people type: portal forms and uploaded files.

A number is read in the language of the person typing it (``res.lang``
``decimal_point`` and ``thousands_sep``), never guessed: "1,5" is 1.5 for a
French dealer and is refused for an English or Chinese one, where the comma
groups thousands and "1,5" is no valid grouping. The rules:

- full-width characters are folded (NFKC): "１，５" is "1,5"; spaces of any kind
  (and the language's thousands separator) may group the integer digits, but
  only where the language's grouping puts them ("1 234,5", "1,234.5");
- the language's decimal point at most once; any other separator, an
  exponent, "nan", "inf", a sign where none is allowed are refused;
- the value must be finite, at most ``max_value`` (default 1e12) and have at
  most ``digits`` decimals when given.

Anything refused raises a ``ValidationError`` in the user's language that
says how to write the number.
"""

import ast
import math
import re
import unicodedata

from odoo.exceptions import ValidationError

# no amount or quantity of the add-on comes near: a typing mistake, or worse
MAX_VALUE = 1e12
# longer than any number anyone types
MAX_LENGTH = 40
_SPACES = re.compile(r"\s+")


def _lang_data(env, lang=None):
    code = lang or env.lang or env.context.get("lang") or "en_US"
    data = env["res.lang"]._get_data(code=code)
    if not data:
        data = env["res.lang"]._get_data(code="en_US")
    decimal_point = data.decimal_point or "."
    thousands_sep = data.thousands_sep or ""
    try:
        grouping = ast.literal_eval(data.grouping or "[3,0]")
    except (ValueError, SyntaxError):
        grouping = [3, 0]
    return decimal_point, thousands_sep, grouping


def _group(digits, grouping, separator):
    """``digits`` grouped as the language groups them ([3,0]: every 3)."""
    groups = []
    rest = digits
    size = 3
    for count in grouping:
        if count == -1:
            break
        if count:
            size = count
        if len(rest) <= size:
            break
        groups.append(rest[-size:])
        rest = rest[:-size]
        if count == 0:
            # 0 repeats the last size to the end
            while len(rest) > size:
                groups.append(rest[-size:])
                rest = rest[:-size]
            break
    groups.append(rest)
    return separator.join(reversed(groups))


def _example(decimal_point, thousands_sep, grouping):
    return _group("1234", grouping, thousands_sep or "") + decimal_point + "5"


def _shown(raw):
    """The typed text, safe to show back: printable, at most 20 characters."""
    text = "".join(c for c in str(raw) if c.isprintable())
    return text[:20] + ("…" if len(text) > 20 else "")


class NumberError(ValidationError):
    """A typed number refused by :func:`parse_number`.

    ``reason`` is one of "invalid", "negative", "too_large", "decimals";
    ``example`` is a number written the way the user's language writes it,
    for callers that word their own message."""

    def __init__(self, message, reason, example):
        super().__init__(message)
        self.reason = reason
        self.example = example


def _parse_text(text, decimal_point, thousands_sep, grouping):
    """(sign, integer digits, fraction digits) of ``text``, or None."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    if not text or len(text) > MAX_LENGTH or not text.isprintable():
        return None
    sign = ""
    if text[0] in "+-":
        sign, text = text[0], text[1:].lstrip()
    integer, _point, fraction = text.partition(decimal_point)
    if fraction and not (fraction.isascii() and fraction.isdigit()):
        return None
    groupers = {" ", thousands_sep.strip()} - {""}
    plain = normalized = integer
    for grouper in groupers:
        plain = plain.replace(grouper, "")
        normalized = normalized.replace(grouper, " ")
    if not (plain or fraction) or (plain and not (plain.isascii() and plain.isdigit())):
        return None
    # grouped digits only where the language groups them ("1,234", not "1,5")
    if plain != integer and (
        normalized != _group(plain, grouping, " ") or plain.startswith("0")
    ):
        return None
    return sign, plain, fraction


def parse_number(
    env,
    raw,
    *,
    allow_negative=False,
    digits=None,
    max_value=MAX_VALUE,
    label=None,
    lang=None,
):
    """The float of ``raw`` (typed text, or a number read from a file).

    :param env: an environment; its language (or ``lang``) gives the
        separators and the language of the error messages
    :param allow_negative: refuse a minus sign (and any value < 0) unless set
    :param digits: the most decimals allowed (None: any)
    :param max_value: the largest absolute value allowed
    :param label: what the number is (a product name...), to prefix errors
    :raise NumberError: (a ValidationError) for anything but a valid number
    """
    _ = env._
    decimal_point, thousands_sep, grouping = _lang_data(env, lang)
    example = _example(decimal_point, thousands_sep, grouping)
    shown = _shown(raw)

    def refuse(reason, message):
        if label:
            message = _("%(label)s: %(message)s", label=label, message=message)
        raise NumberError(message, reason, example)

    too_precise = False
    value = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # a cell read from a file
        if abs(raw) <= max_value:
            value = float(raw)
            too_precise = (
                digits is not None and abs(value - round(value, digits)) > 1e-9
            )
        elif isinstance(raw, int) or math.isfinite(raw):
            value = math.inf
    elif isinstance(raw, str):
        parsed = _parse_text(raw, decimal_point, thousands_sep, grouping)
        if parsed:
            sign, plain, fraction = parsed
            if sign == "-" and not allow_negative:
                refuse("negative", _("%(value)s cannot be negative.", value=shown))
            if len(plain.lstrip("0")) > 15:
                value = math.inf
            else:
                value = float(f"{sign}{plain or '0'}.{fraction or '0'}")
            too_precise = digits is not None and len(fraction.rstrip("0")) > digits
    if value is None or math.isnan(value):
        refuse(
            "invalid",
            _(
                "%(value)s is not a number: write numbers like %(example)s.",
                value=shown,
                example=example,
            ),
        )
    if value < 0 and not allow_negative:
        refuse("negative", _("%(value)s cannot be negative.", value=shown))
    if abs(value) > max_value:
        refuse(
            "too_large",
            _(
                "%(value)s is too large: at most %(max)s.",
                value=shown,
                max=_group(str(int(max_value)), grouping, thousands_sep),
            ),
        )
    if too_precise:
        refuse(
            "decimals",
            _(
                "%(value)s has too many decimals: at most %(digits)s.",
                value=shown,
                digits=digits,
            ),
        )
    # -0 is 0
    return value + 0.0 if value else 0.0


# PostgreSQL's integer: a larger id is no record, and would fail the query
MAX_ID = 2**31 - 1


def parse_id(raw):
    """The record id in ``raw`` (text of ASCII digits), or None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 < raw <= MAX_ID else None
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()):
        return None
    if len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
        return None
    return int(raw)


def format_number(env, value, lang=None):
    """``value`` written the way :func:`parse_number` reads it back in the
    user's language: no grouping, the language's decimal point, no exponent."""
    decimal_point, _sep, _grouping = _lang_data(env, lang)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", decimal_point) if text != "-0" else "0"
