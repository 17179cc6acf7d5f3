"""Resumption progress: rates by jurisdiction, sector and kind, over time, and the gap to targets.

Everything is a handful of grouped queries over the (indexed) jurisdiction prefix, so a province of
200,000 establishments answers in well under a second (bench/reopening.py). The series over time
is rebuilt backwards from the current count and the status history: working on day d = working now
− the net moves back to work after d, so registering establishments writes no history rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from pingji.core import clock
from pingji.geo.choices import CODE_LENGTH
from pingji.geo.models import Jurisdiction
from pingji.tasks.choices import OPEN_STATUSES

from .choices import WORKING_STATUSES, Kind, Sector
from .models import Establishment, Problem, StatusChange, Target

LENGTHS = sorted(CODE_LENGTH.values())


def child_length(code: str) -> int:
    """Length of the codes one level below ``code`` (the province's cities for "" or "35")."""
    return next((n for n in LENGTHS if n > len(code)), len(code))


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Line:
    """Counts of one group (a jurisdiction, a sector or a kind)."""

    key: str
    label: str
    total: int = 0
    working: int = 0
    pupils: int = 0
    pupils_back: int = 0

    @property
    def rate(self) -> float | None:
        return _rate(self.working, self.total)

    @property
    def pupils_rate(self) -> float | None:
        return _rate(self.pupils_back, self.pupils)

    def add(self, other: "Line") -> None:
        self.total += other.total
        self.working += other.working
        self.pupils += other.pupils
        self.pupils_back += other.pupils_back


@dataclass
class Gap:
    kind: str
    label: str
    percent: int
    by: datetime.date
    rate: float | None

    @property
    def gap(self) -> float | None:
        return None if self.rate is None else round(max(self.percent - self.rate, 0), 1)


@dataclass
class Progress:
    code: str
    overall: Line
    units: list[Line] = field(default_factory=list)
    kinds: list[Line] = field(default_factory=list)
    sectors: list[Line] = field(default_factory=list)
    series: list[tuple[datetime.date, int]] = field(default_factory=list)
    open_problems: int = 0
    overdue_problems: int = 0
    gaps: list[Gap] = field(default_factory=list)


_WORKING = Q(status__in=WORKING_STATUSES)
_COUNTS = {
    "n": Count("id"),
    "w": Count("id", filter=_WORKING),
    "p": Sum("pupils"),
    "pb": Sum("pupils", filter=_WORKING),
}


def _line(key, label, row) -> Line:
    return Line(key, str(label), row["n"], row["w"], row["p"] or 0, row["pb"] or 0)


def progress(user, code: str, *, since: datetime.date | None = None, now=None) -> Progress:
    """Progress of the establishments ``user`` sees within ``code`` (a liaison: their own).

    ``since`` starts the series (default: 60 days back); the series ends today.
    """
    now = now or clock.now()
    rows = Establishment.objects.restrict(user).subtree(code)
    length = child_length(code)
    grouped = (
        rows.annotate(unit=Substr("jurisdiction_id", 1, length))
        .values("unit", "kind", "sector")
        .annotate(**_COUNTS)
        .order_by()
    )
    units: dict[str, Line] = {}
    kinds = {k: Line(k, str(label)) for k, label in Kind.choices}
    sectors = {k: Line(k, str(label)) for k, label in Sector.choices}
    overall = Line(code, "")
    for row in grouped:
        line = _line(row["unit"], "", row)
        units.setdefault(row["unit"], Line(row["unit"], "")).add(line)
        kinds[row["kind"]].add(line)
        sectors.setdefault(row["sector"], Line(row["sector"], row["sector"])).add(line)
        overall.add(line)
    names = dict(Jurisdiction.objects.filter(code__in=units).values_list("code", "name"))
    for unit in units.values():
        unit.label = names.get(unit.key, unit.key)
    result = Progress(
        code,
        overall,
        sorted(units.values(), key=lambda u: u.key),
        [k for k in kinds.values() if k.total],
        [x for x in sectors.values() if x.total],
    )
    changes = StatusChange.objects.restrict(user).subtree(code)
    result.series = _series(changes, overall.working, since, now)
    problems = Problem.objects.restrict(user).subtree(code).filter(task__status__in=OPEN_STATUSES)
    result.open_problems = problems.count()
    result.overdue_problems = problems.filter(task__deadline__lt=now).count()
    result.gaps = _gaps(code, kinds, now)
    return result


def _series(changes, working_now: int, since, now) -> list[tuple[datetime.date, int]]:
    today = timezone.localdate(now)
    since = since or today - datetime.timedelta(days=60)
    w = [str(s) for s in WORKING_STATUSES]
    into = Case(When(status__in=w, then=Value(1)), default=Value(0), output_field=IntegerField())
    out = Case(When(previous__in=w, then=Value(1)), default=Value(0), output_field=IntegerField())
    by_day = dict(
        changes.filter(day__gte=since)
        .values("day")
        .annotate(d=Sum(into - out))
        .order_by()
        .values_list("day", "d")
    )
    # Walk back from today: the count at the end of day d excludes the moves of later days.
    series, count, day = [], working_now, today
    while day >= since:
        series.append((day, count))
        count -= by_day.get(day, 0) or 0
        day -= datetime.timedelta(days=1)
    return series[::-1]


def _gaps(code: str, kinds: dict[str, Line], now) -> list[Gap]:
    """Targets set at this level or above for the coming dates, each with today's rate."""
    above = [code[:n] for n in LENGTHS if n <= len(code)]
    today = timezone.localdate(now)
    targets = Target.objects.filter(jurisdiction_id__in=above, by__gte=today).order_by("by")
    return [
        Gap(t.kind, str(t.get_kind_display()), t.percent, t.by, kinds[t.kind].rate) for t in targets
    ]
