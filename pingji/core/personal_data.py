"""Personal data: one masking policy, declared once, applied on every surface.

Domain apps *register* their personal fields here (``register(Person, birth_date=BIRTH_DATE)``,
from ``AppConfig.ready``); core never imports them. Every surface that shows a person — API
serializers, pages, the Excel export, the change log, event summaries — asks this module how a
value is presented to *this* user, so one table decides it (decision 0031):

==================  ===========================  ==========================  =================
kind                without ``reveal`` perm       with ``reveal`` perm         change log
==================  ===========================  ==========================  =================
identity number     ``350322***********8``       same mask (plain only by     same mask
                    region + 11 stars + check    the audited reveal)
phone               ``138****1234``              same mask (reveal as left)   same mask
birth date          age in whole years today     the date                     the year only
address             shown within scope           shown within scope           shown
name                shown within scope           shown within scope           shown
==================  ===========================  ==========================  =================

Why these masks. The identity number (GB 11643-1999) is region (6) + birth date (8) + serial (3)
+ check (1). The birth date is the person's, so a mask that hides only the date — while the page
shows the date beside it — hides nothing. Hiding the serial too and showing the birth date only to
reveal-holders leaves, for everyone else, roughly 365 dates x 500 serials / 11 check values, more
than 10,000 candidates; a reveal-holder sees the date, still ~45 candidates, and may reveal anyway
(audited). The phone mask keeps 7 of 11 digits (10,000 candidates): acceptable only because no
yes/no oracle answers "is this number registered" (the blind search is POST, scoped, rate-limited
and recorded). The address is needed for door-to-door work and is shown inside the user's scope;
scope itself (``core.access``) keeps it from anyone else. Keyed look-up hashes never leave the
server (not in APIs, exports nor the change log): they would turn any leaked list into an oracle.
"""

import datetime
from collections.abc import Callable
from enum import StrEnum

from django.db import models

from . import clock

#: The permission that shows birth dates (and allows the audited reveal of the plain values).
#: A string, not an import: core does not depend on the people app.
REVEAL_PERMISSION = "people.reveal_person"
#: Stars between the region code and the check character of a masked identity number.
ID_STARS = 11


class Kind(StrEnum):
    ID_NUMBER = "id_number"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"
    ADDRESS = "address"
    NAME = "name"


_fields: dict[type[models.Model], dict[str, Kind]] = {}
_surfaces: dict[str, Callable] = {}


def register(model: type[models.Model], **fields: Kind) -> None:
    """Declare ``model``'s personal fields (field name -> kind); called by the owning app."""
    _fields.setdefault(model, {}).update(fields)


def fields_of(model: type[models.Model]) -> dict[str, Kind]:
    """The registered personal fields of a model (its concrete class's, for proxies)."""
    return _fields.get(model._meta.concrete_model or model, {})


def registered_models() -> list[type[models.Model]]:
    return list(_fields)


def register_surface(name: str, url_for: Callable) -> None:
    """Declare a page or API endpoint that shows a person: ``url_for(person)`` gives its URL, or
    None when the person has nothing there. The reconstruction test reads every declared surface,
    so a new surface is checked as soon as it joins the registry.
    """
    _surfaces[name] = url_for


def surfaces() -> dict[str, Callable]:
    return dict(_surfaces)


# --- masks -----------------------------------------------------------------------------------


def mask_id_number(id_number: str) -> str:
    """``350322***********8``: region code and check character; date and serial hidden."""
    return f"{id_number[:6]}{'*' * ID_STARS}{id_number[-1:]}" if id_number else ""


def mask_phone(phone: str) -> str:
    """``138****1234``: carrier prefix and last four."""
    return f"{phone[:3]}****{phone[-4:]}" if phone else ""


def mask_name(name: str) -> str:
    """``张*``, ``欧阳**``: the surname and a star per given-name character, for pages without a
    login (a self-report page, a notice's verification page), which anyone holding the link or
    the paper may read. A compound surname (two characters) is kept whole only in names of four.
    """
    name = (name or "").strip()
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep) if name else ""


def age_of(birth_date: datetime.date | None, today: datetime.date | None = None) -> int | None:
    """Age in whole years on ``today`` (a birthday on 29 February counts from 1 March)."""
    if birth_date is None:
        return None
    today = today or clock.today()
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return max(today.year - birth_date.year - before_birthday, 0)


def may_see_birth_date(user) -> bool:
    return bool(user is not None and user.has_perm(REVEAL_PERMISSION))


def visible_birth_date(user, person) -> datetime.date | None:
    """The person's birth date if ``user`` may see it, else None (show ``age_of`` instead)."""
    return person.birth_date if may_see_birth_date(user) else None


def present(user, kind: Kind, value, today: datetime.date | None = None):
    """How ``value`` of ``kind`` is shown to ``user`` (see the table above).

    Identity numbers and phones arrive either plain or already masked; either way the answer is
    the mask. A birth date becomes an age for users without the reveal permission.
    """
    if value in (None, ""):
        return value
    if kind == Kind.ID_NUMBER:
        return value if "*" in str(value) else mask_id_number(str(value))
    if kind == Kind.PHONE:
        return value if "*" in str(value) else mask_phone(str(value))
    if kind == Kind.BIRTH_DATE and not may_see_birth_date(user):
        return age_of(value, today)
    return value


def for_audit(kind: Kind, value):
    """How the change log keeps a value: masks, and a birth date as its year only.

    The auditor reads every change in an area; a year cannot be combined with a masked number
    into the whole number (see the table above).
    """
    if value in (None, ""):
        return value
    if kind == Kind.BIRTH_DATE:
        return str(value)[:4]
    if kind in (Kind.ID_NUMBER, Kind.PHONE):
        return present(None, kind, value)
    return value


def audit_snapshot(model: type[models.Model], data: dict) -> dict:
    """A change-log snapshot with the model's registered personal fields kept as ``for_audit``."""
    kinds = fields_of(model)
    return {k: for_audit(kinds[k], v) if k in kinds else v for k, v in data.items()}
