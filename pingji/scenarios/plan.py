"""Checking a scenario before anything runs: its parameters, and its plan of changes by date.

A plan is a list of rows, each ``{"kind", "on", ...}`` (``ChangeKind``):

- ``lift_measure``: ``measure`` (the id of a society-wide measure in force on the state day);
- ``step_measure``: ``measure`` and ``setting``, strictly less strict than the setting it
  replaces (``areas.measure_settings.compare``);
- ``step_area``: ``area`` (a risk area in force) and ``level``, a less strict level of its
  protocol, or ``""`` to lift it;
- ``importation``: ``per_day``, the imported infections a day from that date.

Every problem is refused with the row it is in, at once, as a ``ValidationError`` keyed by
field: the views show it on the form, the API answers 400, the command prints it.
"""

import datetime
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingji.areas.measure_settings import LESS, clean_setting, compare
from pingji.core import clock
from pingji.protocols import rules
from pingji.protocols.models import Protocol

from .choices import ChangeKind
from .in_force import InForce
from .models import VACCINATED_FROM_AGE

#: Bounds that refuse typing errors and runaway requests, not policies (docs/scenarios.md).
MIN_DAYS, MAX_DAYS = 14, 180
MAX_RUNS = 200
MAX_ROWS = 100
MAX_IMPORTATION = 1000.0
MAX_THRESHOLD = 1_000_000
MAX_SEED = 2**31 - 1
MAX_STAY = 60
MAX_AGE = 120
ROW_KEYS = {
    ChangeKind.LIFT_MEASURE: {"kind", "on", "measure"},
    ChangeKind.STEP_MEASURE: {"kind", "on", "measure", "setting"},
    ChangeKind.STEP_AREA: {"kind", "on", "area", "level"},
    ChangeKind.IMPORTATION: {"kind", "on", "per_day"},
}


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def clean_parameters(
    *,
    state_day,
    days,
    runs,
    threshold,
    seed,
    importation,
    stay_days,
    vaccinated_share=0.0,
    vaccinated_from_age=VACCINATED_FROM_AGE,
) -> dict[str, str]:
    """The problems of the scenario's parameters, by field (empty when they are fine)."""
    errors: dict[str, str] = {}
    if not isinstance(state_day, datetime.date) or state_day > clock.today():
        errors["state_day"] = _("The state day must be a day no later than today.")
    checks = [
        ("days", days, MIN_DAYS, MAX_DAYS),
        ("runs", runs, 1, MAX_RUNS),
        ("threshold", threshold, 1, MAX_THRESHOLD),
        ("seed", seed, 0, MAX_SEED),
        ("stay_days", stay_days, 1, MAX_STAY),
        ("vaccinated_from_age", vaccinated_from_age, 0, MAX_AGE),
    ]
    for field, value, low, high in checks:
        if not _whole(value, low, high):
            errors[field] = _("Give a whole number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
    if not _rate(importation):
        errors["importation"] = _("Give a number of infections a day from 0 to %(high)s.") % {
            "high": int(MAX_IMPORTATION)
        }
    if not _share(vaccinated_share):
        errors["vaccinated_share"] = _("Give a share from 0 to 1.")
    return errors


def _share(value: Any) -> bool:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return ok and math.isfinite(value) and 0 <= value <= 1


def _rate(value: Any) -> bool:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return ok and math.isfinite(value) and 0 <= value <= MAX_IMPORTATION


def clean_plan(rows: Any, state: InForce, days: int) -> list[dict]:
    """The plan, normalised and sorted by date; every row's problem refused at once."""
    if not isinstance(rows, list):
        raise ValidationError({"plan": _("The plan must be a list of changes.")})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"plan": _("A plan holds at most %(n)s changes.") % {"n": MAX_ROWS}})
    problems: list[str] = []
    cleaned: list[dict] = []
    for i, row in enumerate(rows, start=1):
        try:
            cleaned.append(_row(row, state, days))
        except ValidationError as exc:
            problems += [_("change %(n)s: %(why)s") % {"n": i, "why": m} for m in exc.messages]
    if not problems:
        problems = _sequence(sorted(cleaned, key=_order), state)
    if problems:
        raise ValidationError({"plan": problems})
    return sorted(cleaned, key=_order)


def _order(row: dict) -> tuple:
    return (row["on"], row["kind"], row.get("measure") or row.get("area") or 0)


def _row(row: Any, state: InForce, days: int) -> dict:
    if not isinstance(row, dict) or row.get("kind") not in ROW_KEYS:
        kinds = ", ".join(ChangeKind.values)
        raise ValidationError(_("each change is an object whose kind is one of: %s") % kinds)
    kind = row["kind"]
    extra = set(row) - ROW_KEYS[kind]
    if extra:
        raise ValidationError(_("unknown keys: %s") % ", ".join(sorted(map(str, extra)))[:200])
    missing = ROW_KEYS[kind] - set(row) - {"level"}
    if missing:
        raise ValidationError(_("missing: %s") % ", ".join(sorted(missing)))
    out = {"kind": kind, "on": _date(row["on"], state.day, days).isoformat()}
    if kind == ChangeKind.IMPORTATION:
        if not _rate(row["per_day"]):
            raise ValidationError(_("per_day must be a number from 0 to %s") % MAX_IMPORTATION)
        return {**out, "per_day": float(row["per_day"])}
    if kind == ChangeKind.STEP_AREA:
        return {**out, **_area(row, state)}
    measure = state.measure(row["measure"]) if _whole(row["measure"], 1, 2**62) else None
    if measure is None:
        raise ValidationError(
            _("measure %(id)s is not in force over this jurisdiction on %(day)s")
            % {"id": str(row["measure"])[:20], "day": state.day.isoformat()}
        )
    out["measure"] = measure.measure_id
    if kind == ChangeKind.STEP_MEASURE:
        out["setting"] = _messages_of(clean_setting, measure.kind, row["setting"])
    return out


def _messages_of(fn, *args):
    """``fn(*args)``, its ValidationError's messages raised plain (a row has no fields)."""
    try:
        return fn(*args)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


def _date(value: Any, state_day: datetime.date, days: int) -> datetime.date:
    try:
        on = datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        on = None
    if on is None:
        raise ValidationError(_("give its date as YYYY-MM-DD"))
    if on < state_day:
        raise ValidationError(
            _("%(on)s is before the state day %(day)s")
            % {"on": on.isoformat(), "day": state_day.isoformat()}
        )
    if on > state_day + datetime.timedelta(days=days):
        raise ValidationError(_("%(on)s is past the days simulated") % {"on": on.isoformat()})
    return on


def _area(row: dict, state: InForce) -> dict:
    area = state.areas.get(row["area"]) if _whole(row["area"], 1, 2**62) else None
    if area is None:
        raise ValidationError(
            _("risk area %(id)s is not in force in this jurisdiction on %(day)s")
            % {"id": str(row["area"])[:20], "day": state.day.isoformat()}
        )
    level = row.get("level") or ""
    if not isinstance(level, str):
        raise ValidationError(_("level must be a level name, or empty to lift"))
    if level:
        orders = {
            r.level: r.order for r in rules.risk_levels(Protocol.objects.get(pk=area.protocol_id))
        }
        if level not in orders:
            raise ValidationError(
                _("%(level)s is not a level of the area's protocol (%(known)s)")
                % {"level": level[:40], "known": ", ".join(orders)}
            )
    return {"area": area.area_id, "level": level}


def _sequence(rows: list[dict], state: InForce) -> list[str]:
    """Refuse what only the order shows: a second change of one thing on one day, a change
    after its lifting, a "step down" that is not less strict than what it follows, an area
    raised instead of stepped down."""
    problems: list[str] = []
    settings: dict[int, dict | None] = {m.measure_id: m.setting for m in state.measures}
    kinds = {m.measure_id: m.kind for m in state.measures}
    levels: dict[int, int | None] = {a: v.order for a, v in state.areas.items()}
    seen: set[tuple] = set()
    for row in rows:
        subject = row.get("measure") or row.get("area") or "importation"
        key = (row["kind"] == ChangeKind.STEP_AREA, subject, row["on"])
        if key in seen:
            problems.append(_("%(on)s: two changes of the same thing on one day") % row)
            continue
        seen.add(key)
        if "measure" in row:
            problems += _measure_step(row, settings, kinds)
        elif row["kind"] == ChangeKind.STEP_AREA:
            problems += _area_step(row, state, levels)
    return problems


def _measure_step(row: dict, settings: dict, kinds: dict) -> list[str]:
    current = settings[row["measure"]]
    if current is None:
        return [_("%(on)s: measure %(measure)s is lifted earlier in the plan") % row]
    if row["kind"] == ChangeKind.LIFT_MEASURE:
        settings[row["measure"]] = None
        return []
    if compare(kinds[row["measure"]], current, row["setting"]) != LESS:
        settings[row["measure"]] = row["setting"]
        return [_("%(on)s: the new setting of measure %(measure)s is not less strict") % row]
    settings[row["measure"]] = row["setting"]
    return []


def _area_step(row: dict, state: InForce, levels: dict) -> list[str]:
    current = levels[row["area"]]
    if current is None:
        return [_("%(on)s: risk area %(area)s is lifted earlier in the plan") % row]
    if not row["level"]:
        levels[row["area"]] = None
        return []
    area = state.areas[row["area"]]
    orders = {
        r.level: r.order for r in rules.risk_levels(Protocol.objects.get(pk=area.protocol_id))
    }
    if orders[row["level"]] <= current:
        return [_("%(on)s: risk area %(area)s is not stepped down to %(level)s") % row]
    levels[row["area"]] = orders[row["level"]]
    return []
