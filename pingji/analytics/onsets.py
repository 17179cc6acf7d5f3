"""The epidemic curve by symptom onset, as known at a cut-off, and the nowcast of its last days.

Separate from ``series`` (which sums domain events): the curve by onset reads the cases themselves,
each as it stood at the cut-off (``cases.history`` rewinds a later correction, decision 0030), and
its last days are right-truncated (cases with a recent onset are still being found), so they are
marked and nowcast (``epi.nowcast``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from pingji.geo.drills import real_only
from pingji.protocols.models import COVID_19

from .series import cutoff, zone

#: The case fields the curve by onset reads, as they stood at its cut-off (``cases.history``).
ONSET_FIELDS = ("classification", "onset_date", "reported_at")
#: Ids per query when reading the cases changed since a cut-off (SQLite's variable limit).
_ID_CHUNK = 5000


def onset_reports(
    within: str, end: datetime.date, since: datetime.date | None = None
) -> dict[tuple[datetime.date, datetime.date], int]:
    """(onset day, report day) → COVID-19 confirmed cases, as known at 24:00 of ``end``.

    Onset dates are facts of the case record (corrected there), not counting facts of an event,
    so this curve reads the cases: those reported by the cut-off, confirmed then, with the onset
    and report time they had then (decision 0030: a correction or confirmation recorded later
    does not reach back; ``cases.history`` rebuilds them from the change log). Onsets from
    ``since`` (all if None) to ``end``; the report day is the local calendar day.

    One aggregate over the cases as they stand, then the few cases changed since the cut-off
    taken out as they stand and put back as they stood: three queries for any province.
    """
    from pingji.cases.choices import Classification
    from pingji.cases.history import changes, rewind
    from pingji.cases.models import Case

    moment = cutoff(end)
    cases = real_only(
        Case.objects.subtree(within).filter(disease_id=COVID_19), "jurisdiction__code"
    )

    def key(state: dict) -> tuple[datetime.date, datetime.date] | None:
        onset, reported = state["onset_date"], state["reported_at"]
        if (
            state["classification"] != Classification.CONFIRMED
            or onset is None
            or reported is None
            or reported >= moment
            or onset > end
            or (since is not None and onset < since)
        ):
            return None
        return onset, timezone.localtime(reported, zone()).date()

    rows = cases.filter(
        classification=Classification.CONFIRMED,
        reported_at__lt=moment,
        onset_date__isnull=False,
        onset_date__lte=end,
    )
    if since is not None:
        rows = rows.filter(onset_date__gte=since)
    grouped = (
        rows.annotate(reported_on=TruncDate("reported_at", tzinfo=zone()))
        .values("onset_date", "reported_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[datetime.date, datetime.date], int] = defaultdict(int)
    for row in grouped:
        onset, day = row["onset_date"], row["reported_on"]
        day = day.date() if isinstance(day, datetime.datetime) else day
        if onset is not None:  # filtered out above
            counts[(onset, day)] += row["n"]
    logged = changes(ONSET_FIELDS, within=within, since=moment)
    touched = sorted({c.case_id for c in logged})
    now: dict[int, dict] = {}
    for first in range(0, len(touched), _ID_CHUNK):
        chunk = touched[first : first + _ID_CHUNK]
        for row in cases.filter(pk__in=chunk).values("pk", *ONSET_FIELDS):
            now[row.pop("pk")] = row
    then = rewind(now, logged, moment)
    for pk, state in now.items():
        if (was := key(state)) is not None:
            counts[was] -= 1
        if (stood := key(then[pk])) is not None:
            counts[stood] += 1
    return {k: v for k, v in sorted(counts.items()) if v}


def onset_curve(within: str, start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    """COVID-19's confirmed cases by symptom onset day, as known at 24:00 of ``end``: reported
    by then, confirmed then, by the onset they had then (``onset_reports``)."""
    curve: dict[datetime.date, int] = defaultdict(int)
    for (onset, _reported), n in onset_reports(within, end, since=start).items():
        curve[onset] += n
    return dict(curve)


#: A day of the curve by onset is shown as incomplete while less than this share of its cases is
#: expected to have been reported (``epi.nowcast``).
COMPLETE_SHARE = 0.95
#: The onsets of this many days before the cut-off give the reporting delay: delays shorten as an
#: outbreak's screening widens, so only the recent ones describe the last days.
DELAY_WINDOW_DAYS = 56


@dataclass
class OnsetNowcast:
    """The curve by onset of ``start..end`` with its last days' completeness and nowcast.

    ``incomplete``: the days shown as not yet fully reported; ``nowcast``: day → (median, lower,
    upper) of the final count (95 % interval) for those days, empty when it could not be made;
    ``completeness``: day → expected share already reported; ``reason``: why there is no nowcast
    (``epi.nowcast``'s refusal), "" when there is one. Without a nowcast the days within the
    longest delay seen among the cases are the ones shown incomplete.
    """

    counts: dict[datetime.date, int]
    incomplete: list[datetime.date]
    completeness: dict[datetime.date, float]
    nowcast: dict[datetime.date, tuple[float, float, float]]
    reason: str = ""


def onset_nowcast(within: str, start: datetime.date, end: datetime.date) -> OnsetNowcast:
    """The curve by onset as known at 24:00 of ``end`` and the nowcast of its last days.

    The delay is estimated from the cases with an onset in the ``DELAY_WINDOW_DAYS`` before the
    cut-off as they stood then (``onset_reports``; right truncation handled by ``epi.nowcast``).
    """
    from pingji.epi import nowcast as epi_nowcast

    first = min(start, end - datetime.timedelta(days=DELAY_WINDOW_DAYS - 1))
    reports = onset_reports(within, end, since=first)
    counts: dict[datetime.date, int] = defaultdict(int)
    for (onset, _reported), n in reports.items():
        if onset >= start:
            counts[onset] += n
    recent = end - datetime.timedelta(days=DELAY_WINDOW_DAYS - 1)
    onsets, reported = [], []
    for (onset, day), n in reports.items():
        if onset >= recent:
            onsets += [(onset - recent).days] * n
            reported += [(day - recent).days] * n
    last = (end - recent).days
    try:
        triangle = epi_nowcast.reporting_triangle(onsets, reported, last_day=last, first_day=0)
        made = epi_nowcast.nowcast(triangle, seed=end.toordinal())
    except ValueError as exc:
        delays = [max(r - o, 0) for o, r in zip(onsets, reported, strict=True)]
        longest = min(max(delays, default=0), epi_nowcast.MAX_DELAY)
        marked = [end - datetime.timedelta(days=k) for k in range(longest)]
        return OnsetNowcast(dict(counts), sorted(d for d in marked if d >= start), {}, {}, str(exc))
    completeness, nowcast = {}, {}
    for row in made.rows():
        day = recent + datetime.timedelta(days=row["day"])
        if day < start:
            continue
        completeness[day] = row["completeness"]
        if row["completeness"] < COMPLETE_SHARE:
            nowcast[day] = (row["median"], row["lower"], row["upper"])
    return OnsetNowcast(dict(counts), sorted(nowcast), completeness, nowcast)
