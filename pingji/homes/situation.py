"""The epidemic on a home: new infections of the last whole day against the day before by area,
Rt by area with its honesty flags, and the two maps (infections, risk levels) with their legends.

Nothing is recounted here. The day-by-day figures are the indicator series the situation room
reads (``analytics.series``: the stored daily indicators when a stored run covers the days, else
computed from the events the same way); Rt, the onset curve and the infections since the start
come from the situation room's own kept situation (``reports.situation.shown``), so a home and
the situation room it links to show the same numbers.
"""

import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pingji.analytics.series import child_length, compute, from_storage, high_water
from pingji.areas.choices import RiskLevel
from pingji.areas.extent import day_end
from pingji.areas.levels import in_force_at, level_order
from pingji.areas.views.situation import COLOURS
from pingji.core import as_of, clock
from pingji.geo.models import Jurisdiction
from pingji.reports import situation as sit

#: The fill of an area with no risk area in force, and the infections ramp (the overview map's).
NO_AREA_COLOUR = "#eef2f6"
#: Column of the situation's per-area rows holding the infections since the outbreak began.
SINCE_START = 5


def _ramp(share: float) -> str:
    return f"rgba(30, 86, 160, {0.15 + 0.6 * share:.2f})"


def epidemic(request, focus: str) -> dict | None:
    """Everything a home shows of the epidemic of the focus, as of the day viewed; None at the
    top of a national view (no focus) or for a user who may not read the situation room.

    Kept like the situation room's own (``reports.situation.shown``): built once for every reader
    until the next domain event, since every figure here is read from rows that actions write.
    Whoever may open an area sees every level below it (scopes are code prefixes,
    docs/decisions/0001), so readers differ only in whether they may see risk areas at all.
    """
    user = request.user
    if not focus or not user.has_perm("reports.view_dailyreport"):
        return None
    jurisdiction = Jurisdiction.objects.restrict(user).defer("boundary").filter(code=focus).first()
    if jurisdiction is None:
        return None
    on = as_of.day_shown(request)
    areas = user.has_perm("areas.view_riskarea")
    key = ":".join(["homes:epidemic", focus, str(on), str(areas), get_language() or ""])
    seen = high_water()  # read first: an event written while building makes the result stale
    kept = cache.get(key)
    if kept is None or kept[0] != seen:
        try:
            kept = (seen, _build(user, jurisdiction, on))
        except ValidationError:  # a day in the future: nothing is known of it
            return None
        cache.set(key, kept, sit.CACHE_SECONDS)
    return kept[1]


def _build(user, jurisdiction, on: datetime.date) -> dict:
    focus = jurisdiction.code
    children = list(
        Jurisdiction.objects.restrict(user)
        .filter(parent_id=focus)
        .only("code", "name", "parent")
        .order_by("code")
    )
    situation = sit.shown(jurisdiction, on)
    since_start = {u["code"]: u["values"][SINCE_START] for u in situation.units}
    # today is not over: its morning compares the last whole day, as the bulletin of the day does
    counted = on if on < clock.today() else on - datetime.timedelta(days=1)
    return {
        "on": on,
        "counted": counted,
        "yesterday": counted - datetime.timedelta(days=1),
        "jurisdiction": jurisdiction,
        "situation_url": reverse("reports:situation", args=[focus]) + f"?on={on:%Y-%m-%d}",
        **by_area(jurisdiction, children, counted),
        "rt": rt_by_area(situation, children, since_start, on),
        "rt_area": _last_rt(situation.rt, situation.figures.get("cum_new_infection", 0), on),
        "onset_incomplete": situation.onset.get("marked", 0),
        "maps": maps(user, focus, children, since_start, on),
    }


def by_area(jurisdiction, children, on: datetime.date) -> dict:
    """New infections of ``on`` and of the day before, for the area and each visible child."""
    code, below = jurisdiction.code, child_length(jurisdiction.code)
    start = on - datetime.timedelta(days=1)
    units = [c.code for c in children] if below else None
    series = from_storage(code, start, on, unit_length=below, units=units) or compute(
        code, start, on, unit_length=below, units=units, keys=["new_infection"]
    )
    rows = []
    for child in children if below else []:
        today, before = (series.on("new_infection", d, child.code) for d in (on, start))
        rows.append(
            {
                "code": child.code,
                "name": child.name,
                "today": today,
                "yesterday": before,
                "change": today - before,
                "url": reverse("reports:situation", args=[child.code]) + f"?on={on:%Y-%m-%d}",
            }
        )
    today, before = (series.on("new_infection", d) for d in (on, start))
    return {"areas": rows, "total": {"today": today, "yesterday": before, "change": today - before}}


def _last_rt(rows: list[dict], cases: int, on: datetime.date) -> dict:
    """The latest Rt of a series as a home shows it: a number with its interval, or the reason
    there is none, and whether the latest window ends before the day viewed.

    The reasons are the estimator's (``analytics.estimates.rt_rows``): no case to estimate from;
    too early (infections, but the series is shorter than one window); insufficient data (too
    few local cases in the window for an estimate that is not mostly the prior, or a window
    starting before the outbreak's first infectors were seen).
    """
    if not rows:
        return {"state": "too_early" if cases else "no_cases"}
    last = rows[-1]
    day = datetime.date.fromisoformat(last["day"])
    if last.get("insufficient"):
        return {"state": "insufficient", "day": day, "stale": day < on}
    return {
        "state": "estimate",
        "day": day,
        "stale": day < on,
        "mean": last["mean"],
        "lo": last["lo"],
        "hi": last["hi"],
        "rising": last["lo"] > 1,
    }


def rt_by_area(situation, children, since_start: dict, on: datetime.date) -> list[dict]:
    """Rt of each visible child, every child listed (one without a case says so)."""
    by_code = {u["code"]: u["rows"] for u in situation.rt_by_unit}
    return [
        {
            "code": c.code,
            "name": c.name,
            **_last_rt(by_code.get(c.code, []), since_start.get(c.code, 0), on),
        }
        for c in children
    ]


def maps(user, focus: str, children, since_start: dict, on: datetime.date) -> dict:
    """The two maps' colours by area code, and their legends: infections since the outbreak
    began (the situation room's shading) and the strictest risk level in force in each area."""
    most = max(since_start.values(), default=0)
    top = most or 1  # the darkest shade: the most infections
    infections = {
        c.code: {
            "colour": _ramp(since_start.get(c.code, 0) / top),
            "text": f"{c.name} · {since_start.get(c.code, 0)}",
        }
        for c in children
    }
    levels = strictest_levels(user, focus, [c.code for c in children], on)
    risk = {
        c.code: {
            "colour": levels[c.code]["colour"] if c.code in levels else NO_AREA_COLOUR,
            "text": f"{c.name} · {levels[c.code]['label'] if c.code in levels else _('none')}",
        }
        for c in children
    }
    shown = sorted({(v["order"], v["label"], v["colour"]) for v in levels.values()})
    return {
        "infections": infections,
        "infections_legend": [(_ramp(0), "0")] + ([(_ramp(1), str(top))] if most else []),
        "risk": risk,
        "risk_legend": [(colour, label) for _order, label, colour in shown]
        + [(NO_AREA_COLOUR, _("no risk area in force"))],
        "boundaries": reverse("geo:map_data") + f"?code={focus}",
    }


def strictest_levels(user, focus: str, codes: list[str], on: datetime.date) -> dict[str, dict]:
    """child code → the strictest level in force in it at the end of ``on`` (what the risk-area
    map shows that day, ``areas.views.situation.map_data``): its label, order and colour.

    An area counts in every child it touches: its owner, its places' and its jurisdictions'.
    """
    length = child_length(focus)
    if not codes or length is None:
        return {}
    at = day_end(on) - datetime.timedelta(seconds=1)
    areas, levels = in_force_at(at, within=focus)
    rows = (
        areas.restrict(user)
        .only("pk", "jurisdiction_id", "protocol_id")
        .prefetch_related("places", "jurisdictions")
    )
    wanted, found = set(codes), {}  # type: set[str], dict[str, dict]
    labels = dict(RiskLevel.choices)
    for area in rows:
        level = levels[area.pk]
        order = level_order(area.protocol_id, level)[0]
        touched = {area.jurisdiction_id, *(p.jurisdiction_id for p in area.places.all())}
        touched |= {j.code for j in area.jurisdictions.all()}
        for child in {code[:length] for code in touched if code} & wanted:
            if child not in found or order < found[child]["order"]:
                found[child] = {
                    "order": order,
                    "label": str(labels.get(level, level)),
                    "colour": COLOURS.get(order, "#2980b9"),
                }
    return found
