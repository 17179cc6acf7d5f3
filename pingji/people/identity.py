"""Validation and masking of resident identity numbers (GB 11643-1999) and mobile phones."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: GB 11643-1999 §6.2: weights W_i = 2^(17-i) mod 11 for the 17 body digits, and the check
#: character indexed by (Σ a_i·W_i) mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
#: Mainland mobile numbers: 11 digits starting 13–19 (MIIT numbering plan).
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(body17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """Return the canonical form (upper-case X) or raise ValidationError saying what is wrong."""
    raw = (value or "").strip().upper()
    if not _ID_RE.match(raw):
        raise ValidationError(
            _("An identity number has 17 digits followed by a digit or X (got %(n)d characters).")
            % {"n": len(raw)},
            code="id_format",
        )
    try:
        datetime.date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("The birth date %(d)s inside the identity number is not a real date.")
            % {"d": raw[6:14]},
            code="id_birth_date",
        ) from exc
    if id_check_char(raw[:17]) != raw[17]:
        raise ValidationError(
            _("The check character is wrong (GB 11643): expected %(c)s.")
            % {"c": id_check_char(raw[:17])},
            code="id_checksum",
        )
    return raw


def birth_date_of(id_number: str) -> datetime.date:
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_of(id_number: str) -> str:
    """GB 11643 §5.4: the 17th digit is odd for men, even for women."""
    return "M" if int(id_number[16]) % 2 else "F"


def normalize_phone(value: str) -> str:
    raw = re.sub(r"[\s-]", "", value or "")
    raw = raw.removeprefix("+86")
    if not _PHONE_RE.match(raw):
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13–19."), code="phone_format"
        )
    return raw


def mask_id_number(id_number: str) -> str:
    """350322********1234: region code and last four only."""
    return f"{id_number[:6]}********{id_number[-4:]}" if id_number else ""


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if phone else ""
