"""The situation of one area as of one day: what the situation room and the daily report show.

Everything comes from the indicator series (``analytics.series``: events, 24:00 cut-off), so the
dashboard, the daily report and every level agree; Rt and forecasts are read from the stored
estimates when they exist for the day, else computed on the spot from the same series.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pingji.analytics import estimates
from pingji.analytics.choices import DEFAULT_FORECAST_MODEL, ForecastModel
from pingji.analytics.indicators.registry import indicators
from pingji.analytics.models import ForecastRun, RtEstimate
from pingji.analytics.onsets import onset_nowcast
from pingji.analytics.series import (
    LEAD_DAYS,
    child_length,
    compute,
    cutoff,
    from_storage,
    high_water,
    outbreak_start,
    today,
)
from pingji.geo.models import Jurisdiction

#: The curve of a quiet area (no outbreak in force) shows this many days.
QUIET_DAYS = 28
#: Columns of the per-unit table: (key, cumulative over the outbreak?).
UNIT_COLUMNS = (
    ("new_confirmed", False),
    ("new_asymptomatic", False),
    ("reclassified_confirmed", False),
    ("new_confirmed", True),
    ("new_asymptomatic", True),
    ("new_infection", True),
    ("under_treatment", False),
)
#: The domains shown as panels besides cases (each reads its own domain's indicators).
PANELS = (
    "diseases",
    "tracing",
    "quarantine",
    "testing",
    "areas",
    "reopening",
    "resources",
    "tasks",
)


def check_day(on: datetime.date) -> None:
    if on > today():
        raise ValidationError({"on": _("The date is in the future.")})


@dataclass
class Situation:
    """Labels are plain strings in the language it was built in (``shown`` keeps one per
    language): a lazy one would cost a class of its own each time it is read from the cache."""

    jurisdiction: Jurisdiction
    on: datetime.date
    since: datetime.date | None
    start: datetime.date
    days: list[datetime.date]
    headline: list[dict]
    units: list[dict]
    curve: dict
    onset: dict
    channel: dict
    rt: list[dict]
    rt_by_unit: list[dict]
    forecast: dict | None
    panels: list[dict]
    overdue: list = field(default_factory=list)

    @property
    def figures(self) -> dict:
        """The headline as key → value (JSON-friendly, for the report archive and tests)."""
        return {h["key"]: h["value"] for h in self.headline}


def _series_json(days, values) -> dict:
    return {"x": [d.isoformat() for d in days], "y": [int(v) for v in values]}


def _onset_json(days, onsets) -> dict:
    """The curve by onset with its last days marked: ``incomplete`` per day (expected to be less
    than ``onsets.COMPLETE_SHARE`` reported, or within the longest delay seen when no nowcast
    could be made), ``completeness`` per day (None where not estimated), ``nowcast`` (median and
    95 % interval of the marked days' final counts) or None with its ``reason``."""
    marked = set(onsets.incomplete)
    shown = [d for d in days if d in onsets.nowcast]
    return {
        **_series_json(days, [onsets.counts.get(d, 0) for d in days]),
        "incomplete": [d in marked for d in days],
        "marked": sum(d in marked for d in days),
        "completeness": [
            round(onsets.completeness[d], 3) if d in onsets.completeness else None for d in days
        ],
        "nowcast": {
            "x": [d.isoformat() for d in shown],
            "median": [onsets.nowcast[d][0] for d in shown],
            "lo": [onsets.nowcast[d][1] for d in shown],
            "hi": [onsets.nowcast[d][2] for d in shown],
        }
        if shown
        else None,
        "reason": onsets.reason,
    }


def build(
    jurisdiction: Jurisdiction,
    on: datetime.date,
    *,
    since: datetime.date | None = None,
    visible_children=None,
    overdue_tasks=None,
) -> Situation:
    """The situation of ``jurisdiction`` at 24:00 of ``on`` (``since``: the outbreak's first day
    by default, see ``series.outbreak_start``)."""
    check_day(on)
    code = jurisdiction.code
    since = since or outbreak_start(code, on)
    start = (
        (since - datetime.timedelta(days=LEAD_DAYS))
        if since
        else on - datetime.timedelta(days=QUIET_DAYS)
    )
    below = child_length(code)
    children = list(
        (visible_children if visible_children is not None else Jurisdiction.objects.all())
        .filter(parent_id=code)
        .order_by("code")
    )
    unit_codes = [c.code for c in children] if below else None
    series = from_storage(code, start, on, unit_length=below, units=unit_codes) or compute(
        code, start, on, unit_length=below, units=unit_codes
    )
    days = series.days
    period_from = since or start
    units = _unit_rows(series, children if below else [], on, period_from)
    local = series.total("new_local_infection")
    imported = series.total("new_imported_infection")
    onsets = onset_nowcast(code, start, on)
    return Situation(
        jurisdiction=jurisdiction,
        on=on,
        since=since,
        start=start,
        days=days,
        headline=_headline(series, on, period_from),
        units=units,
        curve={  # each infection once, by its class when reported
            "confirmed": _series_json(days, series.total("reported_confirmed")),
            "asymptomatic": _series_json(days, series.total("reported_asymptomatic")),
        },
        onset=_onset_json(days, onsets),
        channel={
            "inside": _series_json(days, series.total("new_inside_control")),
            "community": _series_json(days, series.total("new_community")),
        },
        rt=rt_series(code, local, imported, start, on),
        rt_by_unit=_rt_by_unit(series, units, start, on),
        forecast=forecast_for(code, local, imported, on, series.total("new_inside_control")),
        panels=_panels(series, on, period_from),
        overdue=list(overdue_tasks(cutoff(on))) if overdue_tasks else [],
    )


#: A situation is kept at most this long; any event recorded meanwhile retires it sooner.
CACHE_SECONDS = 600


def shown(
    jurisdiction: Jurisdiction, on: datetime.date, *, since=None, overdue_tasks=None
) -> Situation:
    """``build`` as the situation room shows it: computed once for every reader until the next
    event, with each reader's own overdue tasks added.

    Every figure of a situation is read from rows that actions write, and every action records a
    domain event (docs/architecture.md), so the newest event's id marks what a situation was
    built from: one small query tells whether a kept one still holds. What differs between
    readers is only their overdue tasks. The lower levels do not: whoever may open an area sees
    every level below it, since scopes are code prefixes (docs/decisions/0001).
    """
    key = ":".join(
        ["reports:situation", jurisdiction.code, str(on), str(since), get_language() or ""]
    )
    seen = high_water()  # read first: an event written while building makes the result stale
    kept = cache.get(key)
    if kept is None or kept[0] != seen:
        kept = (seen, build(jurisdiction, on, since=since))
        cache.set(key, kept, CACHE_SECONDS)
    situation = kept[1]
    overdue = list(overdue_tasks(cutoff(on))) if overdue_tasks else []
    return dataclasses.replace(situation, overdue=overdue)


#: The headline figures: (key, cumulative over the outbreak?).
HEADLINE = (
    ("new_confirmed", False),
    ("new_asymptomatic", False),
    ("reclassified_confirmed", False),
    ("new_inside_control", False),
    ("voided_infection", False),
    ("new_confirmed", True),
    ("new_asymptomatic", True),
    ("new_infection", True),
    ("under_treatment", False),
)


#: What a cumulative figure of new cases sums: the bulletins' total, which a case revised or
#: voided (核减) leaves from the day of the correction on (analytics.indicators.cases).
TOTAL_OF = {
    "new_confirmed": "total_confirmed",
    "new_asymptomatic": "total_asymptomatic",
    "new_infection": "total_infection",
}


def _figure(series, key: str, cumulative: bool, on, period_from, unit=None) -> int:
    """A headline or table figure: the day's value, or the total since ``period_from``."""
    if cumulative:
        return series.period(TOTAL_OF.get(key, key), period_from, unit)
    return series.on(key, on, unit)


def figure_label(key: str, since: datetime.date | None) -> str:
    """The reader's words for an archived headline key (``new_confirmed``, ``cum_new_infection``):
    the indicator's label, a total saying from which day it counts; an unknown key as it is."""
    labels = {i.key: str(i.label) for i in indicators()}
    base = key.removeprefix("cum_")
    if base not in labels:
        return key
    if key == base:
        return labels[key]
    if since is None:
        return _("%(what)s since the start") % {"what": labels[base]}
    return _("%(what)s since %(day)s") % {"what": labels[base], "day": since}


def _headline(series, on: datetime.date, period_from: datetime.date) -> list[dict]:
    """The day's figures and the totals since the outbreak began, each with its label; a total
    says from which day it counts, so the reader knows the outbreak it belongs to."""
    headline = []
    for key, cumulative in HEADLINE:
        value = _figure(series, key, cumulative, on, period_from)
        shown = f"cum_{key}" if cumulative else key
        headline.append({"key": shown, "label": figure_label(shown, period_from), "value": value})
    return headline


def _unit_rows(series, children, on: datetime.date, period_from: datetime.date) -> list[dict]:
    """One row per visible level below, in the series' order, with the ``UNIT_COLUMNS`` values;
    a unit of the series the reader does not see (or that is not a child) is left out."""
    names = {c.code: c.name for c in children}
    units = []
    for unit in series.units if children else []:
        if unit not in names:
            continue
        row = {"code": unit, "name": names[unit], "values": []}
        for key, cumulative in UNIT_COLUMNS:
            row["values"].append(_figure(series, key, cumulative, on, period_from, unit))
        units.append(row)
    return units


def _rt_by_unit(series, units: list[dict], start, on) -> list[dict]:
    """Rt of each level below that had cases (a unit without any has nothing to estimate); what
    is stored of every unit is read in one query."""
    stored = stored_rt([entry["code"] for entry in units], start, on)
    rt_by_unit = []
    for entry in units:
        rows = rt_series(
            entry["code"],
            series.of(entry["code"], "new_local_infection"),
            series.of(entry["code"], "new_imported_infection"),
            start,
            on,
            stored=stored.get(entry["code"], []),
        )
        if rows:
            rt_by_unit.append({"code": entry["code"], "name": entry["name"], "rows": rows})
    return rt_by_unit


def _panels(series, on: datetime.date, period_from: datetime.date) -> list[dict]:
    """One panel per domain of ``PANELS`` with its indicators: a flow since the outbreak began,
    a stock (a level) as it stands on the day, and each one's figure of the day."""
    panels = []
    for domain in PANELS:
        items = [
            {
                "key": i.key,
                "label": str(i.label),
                "value": series.period(i.key, period_from) if not i.stock else series.on(i.key, on),
                "today": series.on(i.key, on),
            }
            for i in indicators(domain)
        ]
        if items:
            panels.append({"domain": domain, "items": items})
    return panels


def _rt_dict(day, mean, lo, hi) -> dict:
    """One day of the Rt chart; ``mean`` None is a window with insufficient data (no number)."""
    if mean is None:
        return {"day": day.isoformat(), "mean": None, "lo": None, "hi": None, "insufficient": True}
    return {"day": day.isoformat(), "mean": round(mean, 4), "lo": round(lo, 4), "hi": round(hi, 4)}


def stored_rt(codes: list[str], start, on) -> dict[str, list[RtEstimate]]:
    """The stored Rt estimates of each area of ``codes`` from ``start`` to ``on``, by day."""
    stored: dict[str, list[RtEstimate]] = {}
    rows = RtEstimate.objects.filter(jurisdiction_id__in=codes, day__gte=start, day__lte=on)
    for row in rows.order_by("jurisdiction_id", "day"):
        stored.setdefault(row.jurisdiction_id, []).append(row)
    return stored


def rt_series(code, local, imported, start, on, *, stored=None) -> list[dict]:
    """Rt per window end up to ``on``: the stored estimates if the day has them, else computed
    with each day's own serial interval (``estimates.serial_intervals``). ``stored``: what
    ``stored_rt`` read of the area, when it was read with others."""
    if stored is None:
        stored = stored_rt([code], start, on).get(code, [])
    if stored and stored[-1].day == on:
        return [_rt_dict(r.day, r.mean, r.q025, r.q975) for r in stored]
    if not (local.sum() + imported.sum()):
        return []  # no case: nothing to estimate (and no serial interval to look up)
    days = [start + datetime.timedelta(days=i) for i in range(local.size)]
    return [
        _rt_dict(
            r.day, r.mean, *((r.quantiles[0], r.quantiles[-1]) if r.quantiles else (None, None))
        )
        for r in estimates.rt_rows(local, imported, start, estimates.serial_intervals(code, days))
    ]


def forecast_for(code, local, imported, on, isolated=None) -> dict | None:
    """The default model's 7-day forecast issued on ``on``, with every model's recent skill;
    ``isolated``: the cases found inside control, who infect nobody (``epi.forecast``).

    Skill is each model's record (WIS, absolute error, coverage) over its forecasts issued in the
    last four weeks whose days had been observed by ``on`` — nothing later. Stored forecasts are
    read when the day was computed; otherwise every model is run on the series as it stands.
    """
    days = [on - datetime.timedelta(days=local.size - 1 - i) for i in range(local.size)]
    runs = _stored_runs(code, on) or _live_runs(code, local, imported, isolated, days, on)
    current = {model: points for model, issued in runs.items() for d, points in issued if d == on}
    if DEFAULT_FORECAST_MODEL not in current:
        return None
    observed = {day: int(v) for day, v in zip(days, local, strict=True)}
    skill = estimates.model_skill(runs, observed, known_by=on)
    labels = {model: str(label) for model, label in ForecastModel.choices}
    return {
        "model": labels[DEFAULT_FORECAST_MODEL],
        "points": current[DEFAULT_FORECAST_MODEL],
        "skill": [
            {"model": labels[m], "default": m == DEFAULT_FORECAST_MODEL, **vars(skill[m])}
            for m in ForecastModel.values
            if m in skill
        ],
    }


#: Forecasts issued this many days before ``on`` are scored for the skill table.
SKILL_DAYS = 28


def _stored_runs(code, on) -> dict[str, list]:
    """model → [(issued_on, points)] stored for the skill window, or {} if ``on`` has none."""
    rows = ForecastRun.objects.filter(
        jurisdiction_id=code,
        horizon=estimates.HORIZON,
        issued_on__gte=on - datetime.timedelta(days=SKILL_DAYS),
        issued_on__lte=on,
    ).values_list("model", "issued_on", "points")
    runs: dict[str, list] = {}
    for model, issued_on, points in rows:
        runs.setdefault(model, []).append((issued_on, points))
    return runs if any(d == on for issued in runs.values() for d, _p in issued) else {}


def _live_runs(code, local, imported, isolated, days, on) -> dict[str, list]:
    if not (local.sum() + imported.sum()):
        return {}
    first = max(0, len(days) - 1 - SKILL_DAYS)
    made = estimates.model_forecasts(
        local,
        imported,
        estimates.serial_intervals(code, days),
        shown_from=first,
        first_day=days[0],
        isolated=isolated,
    )
    return {
        model: [
            (days[i], estimates.points_of(q[i], days[i], made.cdf[model][i]))
            for i in range(first, len(days))
            if not np.isnan(q[i]).any()
        ]
        for model, q in made.quantiles.items()
    }


def overdue_query(tasks):
    """Tasks (already scoped) that were overdue at a cut-off: issued, past deadline, not closed."""

    def at(moment):
        return (
            tasks.filter(created_at__lt=moment, deadline__lt=moment)
            .filter(Q(verified_at__isnull=True) | Q(verified_at__gte=moment))
            .exclude(status="cancelled")
            .select_related("jurisdiction")
            .only("title", "deadline", "jurisdiction__name")
            .order_by("deadline")[:50]
        )

    return at
