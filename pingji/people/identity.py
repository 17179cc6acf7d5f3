"""Validation of resident identity numbers (GB 11643-1999) and mobile phones; their masks are
the policy's (``core.personal_data``).

Everything here is pure: it never touches the database or the keys, so the form, the API, the
actions and the importers all give the same answer for the same input.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingji.core import clock

from .choices import Sex

#: GB 11643-1999 §6.2: weights W_i = 2^(17-i) mod 11 for the 17 body digits, and the check
#: character indexed by (Σ a_i·W_i) mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
#: Mainland mobile numbers: 11 digits starting 13–19 (MIIT numbering plan).
_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def _plain(value: str | None) -> str:
    """Full-width digits (from a Chinese input method) to ASCII; spaces and dashes dropped."""
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or ""))


def id_check_char(body17: str) -> str:
    """The check character of the first 17 digits (GB 11643 §6.2, ISO 7064 MOD 11-2)."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """Return the canonical form (upper-case X) or raise ValidationError saying what is wrong."""
    raw = _plain(value).upper()
    if not _ID_RE.match(raw):
        raise ValidationError(
            _("An identity number has 17 digits followed by a digit or X (got %(n)d characters).")
            % {"n": len(raw)},
            code="id_format",
        )
    try:
        born = birth_date_of(raw)
    except ValueError as exc:
        raise ValidationError(
            _("The birth date %(d)s inside the identity number is not a real date.")
            % {"d": raw[6:14]},
            code="id_birth_date",
        ) from exc
    if born > clock.today():
        raise ValidationError(
            _("The birth date %(d)s inside the identity number is in the future.")
            % {"d": raw[6:14]},
            code="id_birth_date",
        )
    if id_check_char(raw[:17]) != raw[17]:
        raise ValidationError(
            _("The check character is wrong (GB 11643): expected %(c)s.")
            % {"c": id_check_char(raw[:17])},
            code="id_checksum",
        )
    return raw


def birth_date_of(id_number: str) -> datetime.date:
    """GB 11643 §5.3: characters 7–14 are the birth date as YYYYMMDD."""
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_of(id_number: str) -> Sex:
    """GB 11643 §5.4: the 17th digit is odd for men, even for women."""
    return Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE


def compose_id_number(region: str, birth_date: datetime.date, serial: int) -> str:
    """Build a valid number from its parts (§5): 6-digit region, birth date, 3-digit serial, check.

    The serial's last digit carries the sex (odd for men). Used by factories and synthetic data;
    a real number always comes from the person's card.
    """
    if not (re.fullmatch(r"[0-9]{6}", region) and 0 <= serial <= 999):
        raise ValueError("region must be 6 digits and serial 0–999")
    body = f"{region}{birth_date:%Y%m%d}{serial:03d}"
    return body + id_check_char(body)


def normalize_phone(value: str) -> str:
    """Return the bare 11-digit mobile number (spaces, dashes and +86 removed) or raise."""
    raw = _plain(value).removeprefix("+86")
    if not _PHONE_RE.match(raw):
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13–19."), code="phone_format"
        )
    return raw
