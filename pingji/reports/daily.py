"""The content of the daily report (日报), built once from the situation and rendered three ways.

The layout is the usual one of provincial and city reports: a title with the jurisdiction and the
day, a lead paragraph with the day's new infections (of which reclassified, found inside control or
in the community) and the totals since the outbreak began, then tables — by lower level, the daily
curve, Rt per area, the 7-day forecast, the other domains' figures, overdue work.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.geo.models import Jurisdiction

from . import situation as sit


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Content:
    title: str
    subtitle: str
    paragraphs: list[str]
    tables: list[Table]
    situation: sit.Situation


def unit_columns() -> list[str]:
    return [
        _("area"),
        _("new confirmed"),
        _("new asymptomatic"),
        _("of which reclassified"),
        _("confirmed since start"),
        _("asymptomatic since start"),
        _("infections since start"),
        _("under treatment"),
    ]


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def build(
    jurisdiction: Jurisdiction, day: datetime.date, *, visible_children=None, overdue_tasks=None
) -> Content:
    """The daily report of ``jurisdiction`` for ``day``: lead paragraphs, then the tables.

    Built once from the situation (``situation.build``), so the Word, Excel and HTML files and the
    figures archived with them say the same thing.
    """
    s = sit.build(jurisdiction, day, visible_children=visible_children, overdue_tasks=overdue_tasks)
    name = jurisdiction.name
    tables = [
        table
        for table in (
            _unit_table(s),
            _curve_table(s),
            _rt_table(s, name),
            _forecast_table(s),
            _work_table(s),
            _overdue_table(s),
        )
        if table is not None
    ]
    title = _("Daily epidemic report of %(name)s") % {"name": name}
    subtitle = _("%(day)s, figures to 24:00") % {"day": day.isoformat()}
    return Content(title, subtitle, _paragraphs(s, name, day), tables, s)


def _paragraphs(s: sit.Situation, name: str, day: datetime.date) -> list[str]:
    """The lead as the bulletins write it: the day's new infections (of which reclassified and
    found inside control), the totals since the outbreak began, and the latest Rt."""
    f = s.figures
    lead = _(
        "From 00:00 to 24:00 on %(day)s, %(name)s reported %(confirmed)d new confirmed cases "
        "(of which %(reclassified)d reclassified from asymptomatic infections) and "
        "%(asymptomatic)d new asymptomatic infections; %(inside)d of the new infections were "
        "found inside control."
    ) % {
        "day": day.isoformat(),
        "name": name,
        "confirmed": f["new_confirmed"],
        "reclassified": f["reclassified_confirmed"],
        "asymptomatic": f["new_asymptomatic"],
        "inside": f["new_inside_control"],
    }
    if s.since:
        total = _(
            "Since %(since)s, %(confirmed)d confirmed cases and %(asymptomatic)d asymptomatic "
            "infections have been reported (%(infections)d infections); %(treated)d are under "
            "treatment."
        ) % {
            "since": s.since.isoformat(),
            "confirmed": f["cum_new_confirmed"],
            "asymptomatic": f["cum_new_asymptomatic"],
            "infections": f["cum_new_infection"],
            "treated": f["under_treatment"],
        }
    else:
        total = _("No local outbreak is in progress.")
    paragraphs = [lead, total]
    if f.get("voided_infection"):
        paragraphs.insert(
            1,
            _(
                "%(n)d infections reported earlier were voided on %(day)s (reported in error); "
                "they are taken out of the totals from this day on."
            )
            % {"n": f["voided_infection"], "day": day.isoformat()},
        )
    if s.rt:
        last = s.rt[-1]
        if last.get("insufficient"):
            paragraphs.append(
                _("Rt over the 7 days to %(day)s: insufficient data.") % {"day": last["day"]}
            )
        else:
            paragraphs.append(
                _("Rt over the 7 days to %(day)s: %(mean)s (95%% credible interval %(lo)s–%(hi)s).")
                % {
                    "day": last["day"],
                    "mean": _fmt(last["mean"]),
                    "lo": _fmt(last["lo"]),
                    "hi": _fmt(last["hi"]),
                }
            )
    return paragraphs


def _unit_table(s: sit.Situation) -> Table | None:
    """By lower level, with a total row (none for an area without levels below it)."""
    by_unit = Table("units", _("By area"), unit_columns())
    totals = [0] * (len(unit_columns()) - 1)
    for unit in s.units:
        by_unit.rows.append([unit["name"], *unit["values"]])
        totals = [a + b for a, b in zip(totals, unit["values"], strict=True)]
    if not s.units:
        return None
    by_unit.rows.append([_("total"), *totals])
    return by_unit


def _curve_table(s: sit.Situation) -> Table:
    """The daily curve of the period, by classification and by where the cases were found."""
    curve = Table(
        "curve",
        _("Daily new infections"),
        [
            _("day"),
            _("confirmed when reported"),
            _("asymptomatic when reported"),
            _("found inside control"),
            _("found in the community"),
        ],
    )
    for i, d in enumerate(s.days):
        curve.rows.append(
            [
                d.isoformat(),
                s.curve["confirmed"]["y"][i],
                s.curve["asymptomatic"]["y"][i],
                s.channel["inside"]["y"][i],
                s.channel["community"]["y"][i],
            ]
        )
    return curve


def _rt_table(s: sit.Situation, name: str) -> Table | None:
    """The latest 7-day Rt of the area and of each level below (none when nothing was estimated);
    a window with too little data says so instead of printing a number."""
    rt = Table(
        "rt",
        _("Rt by area (latest 7-day window)"),
        [_("area"), _("window end"), _("Rt"), _("credible interval, 95%")],
    )
    for entry in ([{"name": name, "rows": s.rt}] if s.rt else []) + s.rt_by_unit:
        last = entry["rows"][-1]
        if last.get("insufficient"):
            rt.rows.append([entry["name"], last["day"], _("insufficient data"), ""])
            continue
        rt.rows.append(
            [
                entry["name"],
                last["day"],
                round(last["mean"], 2),  # a number, so a spreadsheet can sort and chart it
                f"{_fmt(last['lo'])}–{_fmt(last['hi'])}",
            ]
        )
    return rt if rt.rows else None


def _forecast_table(s: sit.Situation) -> Table | None:
    """The default model's 7-day forecast with its 50% and 95% intervals, if one was issued."""
    if not s.forecast:
        return None
    fc = Table(
        "forecast",
        _("Forecast of new local infections, next 7 days"),
        [_("day"), _("median"), _("interval, 50%"), _("interval, 95%")],
    )
    for p in s.forecast["points"]:
        fc.rows.append(
            [
                p["day"],
                int(p["q0.5"]),
                f"{int(p['q0.25'])}–{int(p['q0.75'])}",
                f"{int(p['q0.025'])}–{int(p['q0.975'])}",
            ]
        )
    return fc


def _work_table(s: sit.Situation) -> Table:
    """The other domains' figures (the situation room's panels): since the start and this day."""
    work = Table("work", _("Response"), [_("indicator"), _("since start"), _("this day")])
    for panel in s.panels:
        for item in panel["items"]:
            work.rows.append([str(item["label"]), item["value"], item["today"]])
    return work


def _overdue_table(s: sit.Situation) -> Table | None:
    """The work overdue at the day's cut-off, if any: what the level above must chase."""
    if not s.overdue:
        return None
    late = Table("overdue", _("Overdue work"), [_("task"), _("owner"), _("deadline")])
    for t in s.overdue:
        deadline = timezone.localtime(t.deadline).strftime("%Y-%m-%d %H:%M")  # the reader's time
        late.rows.append([t.title, t.jurisdiction.name, deadline])
    return late
