"""Storing the day's evaluation and raising over-control work items (docs/decisions/0015).

Rows are upserted per area per day (``evaluation.evaluate`` judges them; this module writes them);
an area held past eligibility (``evaluation.mark_held``) gets one open ``areas.over-control`` task
for the level above its deciding jurisdiction.
"""

import datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.rule_tasks import do_issue_rule_task
from pingji.tasks.choices import OPEN_STATUSES
from pingji.tasks.models import Task

from ..choices import Verdict
from ..findings import Finding
from ..models import Evaluation, RiskArea

TASK_KIND = "areas.over-control"
DAY = datetime.timedelta(days=1)


#: Columns of an evaluation row written by ``store_findings``; (area, day) is the unique key.
STORED = (
    "area_id",
    "jurisdiction_id",
    "day",
    "level",
    "verdict",
    "to_level",
    "reasons",
    "evidence",
    "earliest_on",
    "eligible_since",
    "last_infection_on",
    "clause",
    "computed_at",
)


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in STORED)
    marks = ", ".join(["%s"] * len(STORED))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in STORED[1:] if c != "day")
    table = quote(Evaluation._meta.db_table)
    return (
        f"INSERT INTO {table} ({cols}) VALUES ({marks}) "
        f"ON CONFLICT ({quote('area_id')}, {quote('day')}) DO UPDATE SET {updates}"
    )


def store_findings(findings: dict[int, Finding], areas: list[dict], day: datetime.date) -> None:
    """Upsert one row per area for the day, in one statement per thousand rows.

    Written as plain SQL (``INSERT … ON CONFLICT … DO UPDATE``, which SQLite and PostgreSQL both
    speak): through the ORM's bulk upsert, preparing 13 fields of 10,000 rows cost more than
    evaluating them (BENCHMARKS, areas).
    """
    ops = connection.ops
    jurisdiction = {a["id"]: a["jurisdiction_id"] for a in areas}
    now = ops.adapt_datetimefield_value(clock.now())
    today = ops.adapt_datefield_value(day)

    def date(value):
        return ops.adapt_datefield_value(value) if value else None

    rows = [
        (
            f.area_id,
            jurisdiction[f.area_id],
            today,
            f.level,
            f.verdict,
            f.to_level,
            ops.adapt_json_value([str(r) for r in f.reasons], None),
            ops.adapt_json_value(f.evidence, None),
            date(f.earliest_on),
            date(f.eligible_since),
            date(f.last_infection_on),
            f.clause[:300],
            now,
        )
        for f in findings.values()
    ]
    sql = _upsert_sql()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 1000):
                cursor.executemany(sql, rows[start : start + 1000])
        _issue_held_tasks([f for f in findings.values() if f.verdict == Verdict.HELD], jurisdiction)


def _issue_held_tasks(held: list[Finding], jurisdiction: dict[int, str]) -> int:
    """A work item for the level above each held area, one open item per area at a time."""
    if not held:
        return 0
    ids = [f.area_id for f in held]
    already = set(
        Task.objects.filter(
            kind=TASK_KIND, source_id__in=[str(i) for i in ids], status__in=OPEN_STATUSES
        ).values_list("source_id", flat=True)
    )
    todo = [f for f in held if str(f.area_id) not in already]
    if not todo:
        return 0
    areas = RiskArea.objects.in_bulk([f.area_id for f in todo])
    parents = {
        j.code: j
        for j in Jurisdiction.objects.filter(
            code__in={jurisdiction[f.area_id] for f in todo}
        ).select_related("parent")
    }
    now = clock.now()
    for f in todo:
        own = parents[jurisdiction[f.area_id]]
        owner = own.parent or own
        area = areas[f.area_id]
        do_issue_rule_task(
            area,
            actor=None,
            owner=owner,
            kind=TASK_KIND,
            title=_("Over-control: %(area)s eligible since %(day)s")
            % {"area": area.name, "day": f.eligible_since},
            description=_(
                "%(area)s (%(own)s) met the lifting criteria on %(day)s and is still at its "
                "level. Check why it is held, and have it stepped down or lifted."
            )
            % {"area": area.name, "own": own.name, "day": f.eligible_since},
            deadline=now + DAY,
        )
    return len(todo)
