"""The checks of one pushed row, without the database: what can be refused from the row alone.

Pure and cheap (a million rows a push), so the set-based path and the row-by-row path give the
same verdict for the same row. A refusal names its reason code (``REASONS``) and a message that
repeats nothing of the row unmasked (``core.importing.redact``).
"""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.crypto import encrypt, lookup_hash
from pingji.core.importing import redact
from pingji.core.personal_data import mask_id_number, mask_phone
from pingji.people.identity import birth_date_of, id_check_char

from .choices import Colour, PushKind

_ID = re.compile(r"^[0-9]{17}[0-9X]$")
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")
_REGION = re.compile(r"^[0-9]{2,12}$")
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
#: How the bureau writes a colour.
COLOURS = {
    "red": Colour.RED,
    "红": Colour.RED,
    "红码": Colour.RED,
    "yellow": Colour.YELLOW,
    "黄": Colour.YELLOW,
    "黄码": Colour.YELLOW,
}


@dataclass(slots=True)
class Checked:
    """A row after its own checks: its normalised fields, or the reason it is refused."""

    line: int
    name: str = ""
    id_hash: str = ""
    id_masked: str = ""
    phone: str = ""
    region: str = ""
    colour: str = ""
    at: datetime.datetime | None = None
    until: datetime.datetime | None = None
    reference: str = ""
    reason_code: str = ""
    reason: str = ""

    def refuse(self, code: str, reason: str) -> "Checked":
        self.reason_code, self.reason = code, redact(reason, 300)
        return self

    def dedup_key(self, kind: str) -> str:
        """Same person, same kind, same window or reference: the same listing."""
        when = self.at.date().isoformat() if self.at else ""
        parts = (kind, self.id_hash, self.colour, self.reference.strip().lower(), when)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _plain(value: str) -> str:
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or "")).upper()


def _BEIJING():  # noqa: N802 — the zone the bureau writes its times in (settings.TIME_ZONE)
    return timezone.get_default_timezone()


@lru_cache(maxsize=1 << 16)
def parse_time(text: str) -> datetime.datetime | None:
    """An aware time from ISO 8601 or the bureau's ``YYYY-MM-DD HH:MM[:SS]``; None if neither.

    Cached: a list's rows share a few thousand distinct times, and making each aware is most of
    the cost of checking a row."""
    text = (text or "").strip()
    if not text or len(text) > 40:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        value = None
        for fmt in _TIME_FORMATS:
            try:
                value = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value, _BEIJING())


def check_id(raw: str, today: datetime.date) -> tuple[str, str, str]:
    """(canonical number, reason code, reason): GB 11643-1999 form, birth date, check digit."""
    number = _plain(raw)
    if not _ID.match(number):
        return "", "id_format", _("not an identity number (17 digits and a digit or X)")
    try:
        born = birth_date_of(number)
    except ValueError:
        return "", "id_format", _("the birth date inside the identity number is not a date")
    if born > today:
        return "", "id_format", _("the birth date inside the identity number is in the future")
    if id_check_char(number[:17]) != number[17]:
        return "", "id_checksum", _("wrong check digit (GB 11643-1999, ISO 7064 MOD 11-2)")
    return number, "", ""


def check_row(line: int, cells: dict[str, str], kind: str, province: str, today) -> Checked:
    """Check one row; ``province`` is the receiving jurisdiction's two-digit code."""
    row = Checked(line, name=redact((cells.get("name") or "").strip(), 60))
    number, code, reason = check_id(cells.get("id_number") or "", today)
    if code:
        row.id_masked = redact(_plain(cells.get("id_number") or ""), 18)
        return row.refuse(code, reason)
    row.id_hash, row.id_masked = lookup_hash(number), mask_id_number(number)
    phone = _plain(cells.get("phone") or "").removeprefix("+86")
    row.phone = phone if _PHONE.match(phone) else ""
    row.region = _plain(cells.get("region") or "")
    if row.region and not _REGION.match(row.region):
        return row.refuse("region", _("the region code is not a code"))
    if row.region and not row.region.startswith(province):
        return row.refuse("province", _("the row is for another province"))
    row.reference = redact((cells.get("reference") or "").strip(), 200)
    row.at = parse_time(cells.get("at") or "")
    if row.at is None:
        return row.refuse("time", _("the time is missing or not a time"))
    if (cells.get("until") or "").strip():
        row.until = parse_time(cells["until"])
        if row.until is None or row.until < row.at:
            return row.refuse("time", _("the end time is not a time after the start"))
    if kind == PushKind.CODE_LIST:
        row.colour = COLOURS.get((cells.get("colour") or "").strip().lower(), "")
        if not row.colour:
            return row.refuse("colour", _("the colour is neither red nor yellow"))
    return row


def phone_fields(phone: str) -> tuple[bytes | None, str, str]:
    """(ciphertext, keyed hash, mask) of a normalised phone, or empty ones."""
    if not phone:
        return None, "", ""
    return encrypt(phone), lookup_hash(phone), mask_phone(phone)
