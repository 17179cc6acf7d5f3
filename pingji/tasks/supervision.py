"""The supervision view (督办): everything still open below a commander, aggregated in SQL.

A province may have 100,000 open work items; the view never loads them. It asks the database
for counts grouped by the owner one level down (a prefix of the owner's code, since codes are
hierarchical — decision 0001) and by kind, the most overdue items (an indexed ``ORDER BY deadline
LIMIT``), the items escalated to this level (挂牌督办, decision 0005), and the daily trend of work
opened and closed. Directives, problem items, plan measures and review improvements are all
tasks, so one set of queries covers them all; plans not yet submitted come from the templates.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from pingji.core import clock
from pingji.geo.drills import real_only
from pingji.geo.models import Jurisdiction

from .choices import OPEN_STATUSES, Department, TaskKind, TaskStatus
from .kinds import kind_label
from .models import PlanTemplate, Task, WorkPlan

#: Days of trend shown: two weeks, the span of the 8th edition's observation periods.
TREND_DAYS = 14
#: Overdue items listed by name; the rest are in the counts and the full task list.
OVERDUE_LISTED = 50
COMMAND_KINDS = (
    TaskKind.DIRECTIVE,
    TaskKind.RECTIFICATION,
    TaskKind.PLAN_MEASURE,
    TaskKind.IMPROVEMENT,
)


@dataclass
class OwnerRow:
    code: str
    name: str
    open: int = 0
    overdue: int = 0
    submitted: int = 0
    escalated: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    #: Open tasks per named department (directives to a department, problems handed to one);
    #: whole-government work is not listed here.
    by_department: dict[str, int] = field(default_factory=dict)

    @property
    def kinds(self) -> list[tuple[str, int]]:
        return [(str(kind_label(k)), n) for k, n in sorted(self.by_kind.items())]

    @property
    def departments(self) -> list[tuple[str, int]]:
        labels = dict(Department.choices)
        return [(str(labels.get(d, d)), n) for d, n in sorted(self.by_department.items())]


@dataclass
class Supervision:
    code: str
    now: datetime.datetime
    open: int
    overdue: int
    submitted: int
    escalated_here: int
    owners: list[OwnerRow]
    overdue_items: list
    trend: list[dict]
    plans: list[dict]


def _child_length(code: str) -> int:
    child = Jurisdiction.objects.filter(parent_id=code or None).values_list("code", flat=True)
    first = child.first()
    return len(first) if first else len(code)


def supervise(code: str, *, now=None, days: int = TREND_DAYS, tasks=None) -> Supervision:
    """The open work in the subtree of ``code``; ``tasks`` narrows it (``restrict`` first)."""
    now = now or clock.now()
    everything = tasks if tasks is not None else Task.objects.all()
    base = real_only(everything.filter(jurisdiction__code__within=code), "jurisdiction__code")
    length = _child_length(code)
    grouped = (
        base.filter(status__in=OPEN_STATUSES)
        .annotate(owner=Substr("jurisdiction_id", 1, length))
        .values("owner", "kind", "department")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(deadline__lt=now)),
            sub=Count("id", filter=Q(status=TaskStatus.SUBMITTED)),
            esc=Count("id", filter=Q(escalated_to__isnull=False)),
            here=Count("id", filter=Q(escalated_to_id=code)),
        )
    )
    owners: dict[str, OwnerRow] = {}
    here = 0
    for row in grouped:
        owner = owners.setdefault(row["owner"], OwnerRow(row["owner"], row["owner"]))
        owner.open += row["n"]
        owner.overdue += row["late"]
        owner.submitted += row["sub"]
        owner.escalated += row["esc"]
        owner.by_kind[row["kind"]] = owner.by_kind.get(row["kind"], 0) + row["n"]
        if row["department"]:
            department = row["department"]
            owner.by_department[department] = owner.by_department.get(department, 0) + row["n"]
        here += row["here"]
    names = dict(Jurisdiction.objects.filter(code__in=list(owners)).values_list("code", "name"))
    for owner in owners.values():
        owner.name = names.get(owner.code, owner.code)
    ranked = sorted(owners.values(), key=lambda o: (-o.overdue, -o.open, o.code))
    totals = {
        "open": sum(o.open for o in ranked),
        "overdue": sum(o.overdue for o in ranked),
        "submitted": sum(o.submitted for o in ranked),
        "escalated_here": here,
    }
    return Supervision(
        code=code,
        now=now,
        owners=ranked,
        overdue_items=_most_overdue(base, now),
        trend=_trend(base, now, days),
        plans=_plans(code, now),
        **totals,
    )


def _most_overdue(base, now) -> list:
    """The longest overdue open items. One query per status, each an ordered walk of the
    ``(status, deadline)`` index that stops at ``OVERDUE_LISTED`` rows (an ``IN`` over the
    statuses would sort every overdue row first)."""
    found = []
    for status in OPEN_STATUSES:
        ids = base.filter(status=status, deadline__lt=now).order_by("deadline", "id")
        found += list(ids.values_list("deadline", "id")[:OVERDUE_LISTED])
    keep = [pk for _d, pk in sorted(found)[:OVERDUE_LISTED]]
    rows = (
        Task.objects.filter(pk__in=keep)
        .select_related("jurisdiction", "escalated_to", "assignee")
        .defer("jurisdiction__boundary", "escalated_to__boundary")
    )
    return sorted(rows, key=lambda t: (t.deadline, t.pk))


def _per_hour(rows, field: str) -> dict[datetime.datetime, int]:
    """Rows counted per UTC hour of ``field``, read as the first 13 characters of its text.

    A builtin ``SUBSTR`` on the stored text (``2021-09-26 13``) costs nothing per row, where a
    date function would be a Python callback per row on SQLite. The connection speaks UTC
    (``USE_TZ``), and Asia/Shanghai is a whole number of hours from it, so hours regroup into
    local days exactly.
    """
    grouped = (
        rows.annotate(hour=Substr(Cast(field, CharField()), 1, 13))
        .values("hour")
        .annotate(n=Count("id"))
        .values_list("hour", "n")
    )
    out: dict[datetime.datetime, int] = {}
    for hour, n in grouped:
        when = datetime.datetime.strptime(hour.replace("T", " "), "%Y-%m-%d %H")
        out[when.replace(tzinfo=datetime.UTC)] = n
    return out


def _trend(base, now, days: int) -> list[dict]:
    """Work opened and closed each day of the last ``days`` days (local dates), oldest first."""
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    first = today - datetime.timedelta(days=days - 1)
    since = datetime.datetime.combine(first, datetime.time.min, tz)
    opened = _per_hour(base.filter(created_at__gte=since, created_at__lte=now), "created_at")
    closed = _per_hour(
        base.filter(status=TaskStatus.DONE, verified_at__gte=since, verified_at__lte=now),
        "verified_at",
    )
    out = {first + datetime.timedelta(days=n): {"opened": 0, "closed": 0} for n in range(days)}
    for key, series in (("opened", opened), ("closed", closed)):
        for hour, n in series.items():
            day = timezone.localtime(hour, tz).date()
            if day in out:
                out[day][key] += n
    return [{"day": day, **counts} for day, counts in out.items()]


def _plans(code: str, now) -> list[dict]:
    """Open plan requests that reach into this subtree: how many are asked, in, and late.

    Each request's two counts are filtered aggregates of one query per table, so the page costs
    the same however many requests it shows.
    """
    above = [code[:n] for n in range(len(code) + 1)]
    templates = list(
        PlanTemplate.objects.filter(
            Q(jurisdiction__code__startswith=code) | Q(jurisdiction__code__in=above)
        ).order_by("-due")[:10]
    )
    if not templates:
        return []
    scopes = {
        t.pk: code if code.startswith(t.jurisdiction_id) else t.jurisdiction_id for t in templates
    }
    asked = Jurisdiction.objects.aggregate(
        **{
            f"t{t.pk}": Count("code", filter=Q(level=t.level, code__startswith=scopes[t.pk]))
            for t in templates
        }
    )
    submitted = WorkPlan.objects.filter(template__in=templates, status="submitted").aggregate(
        **{
            f"t{t.pk}": Count(
                "id", filter=Q(template=t, jurisdiction__code__startswith=scopes[t.pk])
            )
            for t in templates
        }
    )
    return [
        {
            "template": t,
            "asked": asked[f"t{t.pk}"],
            "submitted": submitted[f"t{t.pk}"],
            "missing": asked[f"t{t.pk}"] - submitted[f"t{t.pk}"],
            "late": t.due < now and asked[f"t{t.pk}"] > submitted[f"t{t.pk}"],
        }
        for t in templates
    ]
