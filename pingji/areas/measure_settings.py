"""The machine-readable setting of each society-wide measure: its schema, its strictness, what it
closes, and how it reads in words (docs/decisions/0047-society-wide-measures.md).

A measure is a kind (``MeasureKind``) and a small JSON ``setting`` whose keys the kind fixes:

========================  ==============================================================
kind                      setting
========================  ==============================================================
``venue_closure``         ``{"venue_kinds": [EstablishmentKind, ...]}`` (kinds closed)
``school_mode``           ``{"mode": SchoolMode}``
``gatherings``            ``{"max_size": 0..10000}`` (0: no gathering at all)
``public_transport``      ``{"mode": TransportMode}``, ``"share"`` in (0, 1) when reduced
``workplace_attendance``  ``{"share": 0..1}`` (share of the workforce on site)
``mass_testing``          ``{"cadence_days": 1..30, "pooling": PoolingMode}``
``exit_test``             ``{"hours": 1..168}`` (negative test within, to leave the city)
========================  ==============================================================

Everything here is plain data, read by the actions (``actions.measures``), by the look-up that
reopening asks (``lookup.measures_at``) and by the simulator as interventions; nothing reads the
database.
"""

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingji.protocols.choices import EstablishmentKind, PoolingMode

from .choices import MeasureKind, SchoolMode, TransportMode

#: Bounds that refuse a typing error rather than a policy: no city caps a gathering above ten
#: thousand people, tests more rarely than monthly, or asks a test older than a week at its exits.
MAX_GATHERING = 10_000
MAX_CADENCE_DAYS = 30
MAX_EXIT_HOURS = 168

#: Schools' modes, strictest first; what closes a school to its pupils.
SCHOOL_ORDER = [SchoolMode.CLOSED, SchoolMode.ONLINE, SchoolMode.STAGGERED, SchoolMode.IN_PERSON]
SCHOOL_SHUT = {SchoolMode.CLOSED.value, SchoolMode.ONLINE.value}
SCHOOL_KINDS = {EstablishmentKind.SCHOOL.value, EstablishmentKind.KINDERGARTEN.value}
#: Pooling, strictest first: one tube per person finds a case soonest.
POOLING_ORDER = [PoolingMode.SINGLE, PoolingMode.HOUSEHOLD, PoolingMode.POOLED]

KEYS: dict[str, set[str]] = {
    MeasureKind.VENUE_CLOSURE: {"venue_kinds"},
    MeasureKind.SCHOOL_MODE: {"mode"},
    MeasureKind.GATHERINGS: {"max_size"},
    MeasureKind.PUBLIC_TRANSPORT: {"mode", "share"},
    MeasureKind.WORKPLACE_ATTENDANCE: {"share"},
    MeasureKind.MASS_TESTING: {"cadence_days", "pooling"},
    MeasureKind.EXIT_TEST: {"hours"},
}


def _refuse(message: str) -> ValidationError:
    return ValidationError({"setting": ValidationError(message, code="invalid_setting")})


def _integer(value: Any, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _refuse(
            _("%(key)s must be a whole number from %(low)s to %(high)s.")
            % {"key": key, "low": low, "high": high}
        )
    return value


def _share(value: Any, key: str, *, open_ends: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok and (0 < value < 1 if open_ends else 0 <= value <= 1):
        return float(value)
    if open_ends:
        raise _refuse(_("%(key)s must be a share between 0 and 1 (both excluded).") % {"key": key})
    raise _refuse(_("%(key)s must be a share from 0 to 1.") % {"key": key})


def _choice(value: Any, key: str, choices) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise _refuse(
            _("%(key)s must be one of: %(choices)s.")
            % {"key": key, "choices": ", ".join(choices.values)}
        )
    return value


def clean_setting(kind: str, setting: Any) -> dict:
    """The setting of a measure of ``kind``, checked and normalised, or a refusal on ``setting``.

    Unknown and missing keys, values of the wrong type, shares outside 0–1, negative or huge
    numbers are all refused: the setting is read by machines (reopening, the simulator), so it
    must mean exactly one thing.
    """
    if kind not in MeasureKind.values:
        raise ValidationError(
            {"kind": ValidationError(_("Unknown kind of measure."), code="unknown_kind")}
        )
    if not isinstance(setting, dict):
        raise _refuse(_("The setting must be an object of named values."))
    extra = sorted(set(setting) - KEYS[kind])
    if extra:
        raise _refuse(
            _("Keys this kind does not take: %(keys)s.") % {"keys": ", ".join(map(str, extra))}
        )
    match kind:
        case MeasureKind.VENUE_CLOSURE:
            kinds = setting.get("venue_kinds")
            if not isinstance(kinds, list) or not kinds:
                raise _refuse(_("venue_kinds must list at least one kind of venue."))
            cleaned = sorted({_choice(k, "venue_kinds", EstablishmentKind) for k in kinds})
            return {"venue_kinds": cleaned}
        case MeasureKind.SCHOOL_MODE:
            return {"mode": _choice(setting.get("mode"), "mode", SchoolMode)}
        case MeasureKind.GATHERINGS:
            return {"max_size": _integer(setting.get("max_size"), "max_size", 0, MAX_GATHERING)}
        case MeasureKind.PUBLIC_TRANSPORT:
            mode = _choice(setting.get("mode"), "mode", TransportMode)
            if mode == TransportMode.REDUCED:
                return {
                    "mode": mode,
                    "share": _share(setting.get("share"), "share", open_ends=True),
                }
            if "share" in setting:
                raise _refuse(_("share is given only for a reduced service."))
            return {"mode": mode}
        case MeasureKind.WORKPLACE_ATTENDANCE:
            return {"share": _share(setting.get("share"), "share")}
        case MeasureKind.MASS_TESTING:
            days = _integer(setting.get("cadence_days"), "cadence_days", 1, MAX_CADENCE_DAYS)
            return {
                "cadence_days": days,
                "pooling": _choice(setting.get("pooling"), "pooling", PoolingMode),
            }
        case _:  # exit test
            return {"hours": _integer(setting.get("hours"), "hours", 1, MAX_EXIT_HOURS)}


def _looseness(kind: str, setting: dict) -> tuple[float, ...]:
    """How loose a setting is, one number per dimension: larger is less strict."""
    match kind:
        case MeasureKind.SCHOOL_MODE:
            return (SCHOOL_ORDER.index(setting["mode"]),)
        case MeasureKind.GATHERINGS:
            return (setting["max_size"],)
        case MeasureKind.PUBLIC_TRANSPORT:
            service = {TransportMode.SUSPENDED: 0.0, TransportMode.NORMAL: 1.0}
            return (service.get(setting["mode"], setting.get("share", 0.0)),)
        case MeasureKind.WORKPLACE_ATTENDANCE:
            return (setting["share"],)
        case MeasureKind.MASS_TESTING:
            return (setting["cadence_days"], POOLING_ORDER.index(setting["pooling"]))
        case _:
            return (setting["hours"],)


#: What ``compare`` says of a new setting against the one in force.
LESS, STRICTER, SAME, MIXED = "less", "stricter", "same", "mixed"


def compare(kind: str, before: dict, after: dict) -> str:
    """Whether ``after`` is less strict than ``before``, stricter, the same, or neither (looser in
    one dimension and stricter in another: a cadence relaxed while pooling is tightened)."""
    if kind == MeasureKind.VENUE_CLOSURE:
        was, now = set(before["venue_kinds"]), set(after["venue_kinds"])
        if was == now:
            return SAME
        return LESS if now < was else STRICTER if now > was else MIXED
    pairs = list(zip(_looseness(kind, before), _looseness(kind, after), strict=True))
    if all(a == b for a, b in pairs):
        return SAME
    if all(b >= a for a, b in pairs):
        return LESS
    if all(b <= a for a, b in pairs):
        return STRICTER
    return MIXED


#: Establishment kinds that are workplaces: attendance 0 shuts them (schools follow school mode).
WORKPLACE_KINDS = {k for k in EstablishmentKind.values if k not in SCHOOL_KINDS}


def closes(kind: str, setting: dict, establishment_kind: str) -> bool:
    """Whether a measure of ``kind`` at ``setting`` keeps an establishment of that kind shut, as a
    sealed or controlled area would (what reopening reads, decision 0017)."""
    match kind:
        case MeasureKind.VENUE_CLOSURE:
            return establishment_kind in setting.get("venue_kinds", ())
        case MeasureKind.SCHOOL_MODE:
            return establishment_kind in SCHOOL_KINDS and setting.get("mode") in SCHOOL_SHUT
        case MeasureKind.WORKPLACE_ATTENDANCE:
            return establishment_kind in WORKPLACE_KINDS and setting.get("share") == 0
        case _:
            return False


def describe(kind: str, setting: dict) -> str:
    """The setting in words, in the reader's language (lists, the public page, reasons); a
    setting that does not fit its kind (never written by the actions) is shown as stored."""
    if not setting:
        return _("lifted")
    try:
        return _describe(kind, setting)
    except (KeyError, TypeError, ValueError):
        return str(setting)


def _describe(kind: str, setting: dict) -> str:
    match kind:
        case MeasureKind.VENUE_CLOSURE:
            labels = dict(EstablishmentKind.choices)
            names = "、".join(str(labels.get(k, k)) for k in setting.get("venue_kinds", ()))
            return _("closed: %(kinds)s") % {"kinds": names}
        case MeasureKind.SCHOOL_MODE:
            return str(dict(SchoolMode.choices).get(setting["mode"], setting["mode"]))
        case MeasureKind.GATHERINGS:
            if not setting["max_size"]:
                return _("no gatherings")
            return _("gatherings of at most %(n)s people") % {"n": setting["max_size"]}
        case MeasureKind.PUBLIC_TRANSPORT:
            label = str(dict(TransportMode.choices).get(setting["mode"], setting["mode"]))
            if "share" in setting:
                return _("%(mode)s (%(pct)s%% of the timetable)") % {
                    "mode": label,
                    "pct": round(setting["share"] * 100),
                }
            return label
        case MeasureKind.WORKPLACE_ATTENDANCE:
            return _("%(pct)s%% of the workforce on site") % {"pct": round(setting["share"] * 100)}
        case MeasureKind.MASS_TESTING:
            pooling = dict(PoolingMode.choices).get(setting["pooling"], setting["pooling"])
            return _("every %(n)s day(s), %(pooling)s") % {
                "n": setting["cadence_days"],
                "pooling": pooling,
            }
        case _:
            return _("negative test within %(h)s hours to leave") % {"h": setting["hours"]}
