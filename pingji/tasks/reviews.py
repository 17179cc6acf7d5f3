"""The timeline of an outbreak for its review, assembled from the domain events.

Each domain records its facts as ``core.DomainEvent`` (a case reported, a contact dispatched, a
mode switched, a directive issued), scoped by jurisdiction code. The review reads those of the
jurisdiction's subtree in its period: kinds that happen often (cases reported, tasks created) are
counted per day, with the first of each kind listed; rare ones (a mode switch, a meeting, an area
sealed) are listed one by one. No domain has to know that reviews exist.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from pingji.core.models import DomainEvent

#: A kind with more events than this in the period is counted per day, not listed event by event.
#: Not a protocol figure: it keeps the timeline of a 50-day outbreak readable on one page.
LIST_AT_MOST = 30


@dataclass
class Day:
    date: object
    counts: dict[str, int] = field(default_factory=dict)
    events: list = field(default_factory=list)


def timeline(review, *, list_at_most: int = LIST_AT_MOST) -> list[Day]:
    """The review's days, oldest first: event counts by kind and the events worth reading."""
    start, end = review.window
    events = DomainEvent.objects.subtree(review.jurisdiction_id).filter(
        time__gte=start, time__lt=end
    )
    tz = timezone.get_current_timezone()
    per_day = (
        events.annotate(day=TruncDate("time", tzinfo=tz))
        .values("day", "kind")
        .annotate(n=Count("id"))
        .order_by("day", "kind")
    )
    days: dict = {}
    totals: dict[str, int] = {}
    for row in per_day:
        day = days.setdefault(row["day"], Day(row["day"]))
        day.counts[row["kind"]] = row["n"]
        totals[row["kind"]] = totals.get(row["kind"], 0) + row["n"]
    rare = [k for k, n in totals.items() if n <= list_at_most]
    firsts = events.exclude(kind__in=rare).values("kind").annotate(first=Min("id"))
    shown = events.filter(kind__in=rare) | events.filter(id__in=[r["first"] for r in firsts])
    for event in shown.select_related("actor").order_by("time", "id"):
        day = timezone.localtime(event.time, tz).date()
        days.setdefault(day, Day(day)).events.append(event)
    return [days[d] for d in sorted(days)]


def kind_totals(days: list[Day]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for day in days:
        for kind, n in day.counts.items():
            totals[kind] = totals.get(kind, 0) + n
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))
