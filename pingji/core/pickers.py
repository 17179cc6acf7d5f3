"""Pickers: type-ahead choice of a person, a place or a room among the rows a user may see.

A drop-down of the first rows of a county cannot offer 900 residents, nor tell two namesakes
apart. A picker asks the server for the few rows that match what the user typed, each with a
label that tells it from its namesakes, and posts the chosen row's primary key; the form field
checks that key against the same rows (``core.widgets.PickerField``), so a key from outside the
user's area is refused like any other wrong choice.

Each app declares its pickers in a ``pickers`` module (``register(Source(...))``); they are found
the way Django's admin finds ``admin`` modules, so core names no app. One endpoint answers every
picker (``people.api.pickers``).

A picker searches names, never identifiers: identity numbers and phones are looked up only by the
blind search, a POST with a reason that is rate-limited and recorded (decision 0031). A query
that looks like one is refused, so the type-ahead cannot become the oracle that search avoids.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .access import ScopedQuerySet

#: Rows a picker answers at most: the user types more to narrow, nothing is paginated.
LIMIT = 20
#: Longer queries are refused: no name or room is this long, and a long LIKE costs the database.
MAX_QUERY = 50

#: An identity number (15 or 18 characters, the last may be X) or a mainland mobile number,
#: once spaces and dashes are dropped: these are refused (module docstring).
_ID_NUMBER = re.compile(r"^(\d{15}|\d{17}[\dXx])$")
_PHONE = re.compile(r"^(\+?86)?1\d{10}$")
#: A jurisdiction code given as ``within``: 2 to 15 digits.
_CODE = re.compile(r"^\d{2,15}$")

IDENTIFIER = "identifier"


@dataclass(frozen=True)
class Source:
    """What one picker offers and how it shows each row.

    ``rows(user)`` is everything the user may pick (``restrict``); the form field validates
    against it too. ``search(rows, q)`` narrows it to what was typed; ``labels(user, objs)``
    gives each row's label in one pass (a batch, so a label may name the township without a query
    per row); ``arrange`` puts the page in its final order (natural room numbers). ``params``
    are the further narrowings a picker accepts (``site`` for rooms), each given the rows and the
    value as typed; a bad value raises ``ValidationError``.
    """

    name: str
    rows: Callable[..., ScopedQuerySet]
    search: Callable[[QuerySet, str], QuerySet]
    labels: Callable[..., list[str]]
    arrange: Callable[[list], list] = list
    params: Mapping[str, Callable[[QuerySet, str], QuerySet]] = field(default_factory=dict)
    placeholder: str | Promise = ""


_sources: dict[str, Source] = {}
_discovered = False


def register(source: Source) -> Source:
    """Declare a picker (from an app's ``pickers`` module)."""
    _sources[source.name] = source
    return source


def source(name: str) -> Source | None:
    """The picker called ``name``, once every app's ``pickers`` module is loaded; None if none."""
    global _discovered
    if not _discovered:
        autodiscover_modules("pickers")
        _discovered = True
    return _sources.get(name)


def clean_query(raw: str | None) -> str:
    """The text to search for, or a ``ValidationError`` saying why it is refused.

    At least one character and at most ``MAX_QUERY``; no control characters (PostgreSQL refuses
    NUL in text, and none belongs in a name); nothing shaped like an identity number or a phone,
    whose refusal has the code ``IDENTIFIER`` so the endpoint can point to the blind search.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise ValidationError(_("Type at least 1 character."), code="required")
    if len(text) > MAX_QUERY:
        raise ValidationError(
            _("Type at most %(n)d characters.") % {"n": MAX_QUERY}, code="max_length"
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in text):
        raise ValidationError(_("The text holds characters no name has."), code="invalid")
    if looks_like_identifier(text):
        raise ValidationError(
            _(
                "Pickers search names, not identity numbers or phones. Use the identity search, "
                "which asks for a reason and is recorded."
            ),
            code=IDENTIFIER,
        )
    return text


def looks_like_identifier(text: str) -> bool:
    """Whether ``text`` is shaped like an identity number or a mobile number."""
    bare = re.sub(r"[\s\-]", "", text)
    return bool(_ID_NUMBER.match(bare) or _PHONE.match(bare))


def clean_within(raw: str | None) -> str:
    """A jurisdiction code to narrow to ("" for none); anything else is refused."""
    code = (raw or "").strip()
    if code and not _CODE.match(code):
        raise ValidationError(_("Give a jurisdiction code of digits."), code="invalid")
    return code


@dataclass(frozen=True)
class Found:
    """One picker answer: the rows' keys and labels, and whether more rows matched."""

    results: list[dict]
    more: bool


def pick(picker: Source, user, query: str, params: Mapping[str, str]) -> Found:
    """The first ``LIMIT`` rows of ``picker`` the user may see matching ``query`` (already
    cleaned), narrowed by ``within`` and the picker's own ``params``.

    ``within`` only narrows inside what ``restrict`` gave, so a code outside the user's area
    answers nothing rather than another area's rows.
    """
    rows = narrow(picker, picker.rows(user), params)
    found = picker.arrange(list(picker.search(rows, query)[: LIMIT + 1]))
    page = found[:LIMIT]
    labels = picker.labels(user, page) if page else []
    return Found(
        [{"id": obj.pk, "label": label} for obj, label in zip(page, labels, strict=True)],
        len(found) > LIMIT,
    )


def narrow(picker: Source, rows: ScopedQuerySet, params: Mapping[str, str]) -> QuerySet:
    """``rows`` narrowed by ``within`` and the picker's own ``params``, a bad value refused.

    The endpoint searches what this gives and a form field bound with the same ``params``
    (``core.widgets``) accepts exactly it, so a form never accepts a row its picker would not
    offer, nor refuses one it did.
    """
    within = clean_within(params.get("within"))
    narrowed: QuerySet = rows.within(within) if within else rows
    for name, narrowing in picker.params.items():
        if params.get(name):
            narrowed = narrowing(narrowed, params[name])
    return narrowed


def label_of(picker: Source, user, obj: Model) -> str:
    """The label of one row, as the picker's answer would give it (a form shown again)."""
    return picker.labels(user, [obj])[0]


def digits_param(name: str, lookup: str) -> Callable[[QuerySet, str], QuerySet]:
    """A narrowing by a row's key typed as digits (e.g. ``site=3``): anything else is refused."""

    def narrow(rows: QuerySet, value: str) -> QuerySet:
        if not value.isdigit() or len(value) > 18:
            raise ValidationError(_("%(name)s must be a number.") % {"name": name})
        return rows.filter(**{lookup: int(value)})

    return narrow


def choices_param(lookup: str, allowed: Sequence[str], refusal: str | Promise):
    """A narrowing to some of a fixed set of values given comma-separated (``kind=venue,school``,
    ``level=grid``); a value outside ``allowed`` is refused with ``refusal``."""

    def narrowing(rows: QuerySet, value: str) -> QuerySet:
        chosen = [v for v in value.split(",") if v]
        if not chosen or not set(chosen) <= set(allowed):
            raise ValidationError(str(refusal))
        return rows.filter(**{f"{lookup}__in": chosen})

    return narrowing


def join(parts: Sequence[object]) -> str:
    """A label from its non-empty parts."""
    return " · ".join(str(p) for p in parts if p not in (None, ""))
