"""Health management after release: alerts on misses, and the end of monitoring.

Daily checks and scheduled tests are not tasks (decision 0010); only what goes wrong becomes one.
``do_sweep`` (the ``quarantine.sweep`` job, ``pingji quarantine_sweep`` for a scheduler) runs once a
day: it closes the episodes whose monitoring is over and raises an alert — a ``tasks.Task`` issued
by ``do_issue_rule_task`` — for each person at home who missed a check-in or a test. The alert
goes to the community of the person's home grid, and the county is told by a domain event; a
missed alert then escalates like any task (decision 0005). Doing the missed thing closes it.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.actions import local_date, record_on
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks, do_issue_rule_task
from pingji.tasks.choices import OPEN_STATUSES
from pingji.tasks.models import Task

from ..choices import EntryKind, PlacementStatus, Setting, TestStatus
from ..contracts import ALERT_RAISED, COMPLETED
from ..models import MonitoringCheck, Placement, ScheduledTest
from ..schedule import DAY
from .placement import entry

MISSED_CHECK = "quarantine.missed-check"
MISSED_TEST = "quarantine.missed-test"
SYMPTOMS = "quarantine.symptoms"


def end_of(day: datetime.date) -> datetime.datetime:
    tz = timezone.get_default_timezone()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)), tz)


def start_of(day: datetime.date) -> datetime.datetime:
    tz = timezone.get_default_timezone()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)


def community_of(grid_code: str) -> Jurisdiction:
    """The community above a grid (the grid itself where the tree stops higher)."""
    codes = [grid_code[:12], grid_code[:9], grid_code[:6], grid_code]
    found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    return next(found[c] for c in codes if c in found)


def _open_alert(source, kind: str) -> bool:
    return Task.objects.for_source(source).filter(kind=kind, status__in=OPEN_STATUSES).exists()


def _kind_of(source) -> str:
    if isinstance(source, ScheduledTest):
        return MISSED_TEST
    if isinstance(source, MonitoringCheck):
        return SYMPTOMS
    return MISSED_CHECK


def raise_alert(source, actor, what: str, at: datetime.datetime | None = None) -> Task | None:
    """One alert per missed thing: to the community of the home grid, the county informed."""
    kind = _kind_of(source)
    if _open_alert(source, kind):
        return None
    placement = source if isinstance(source, Placement) else source.placement
    at = at or clock.now()
    owner = community_of(placement.home_id)
    task = do_issue_rule_task(
        source,
        actor=actor,
        owner=owner,
        kind=kind,
        title=_("%(name)s: %(what)s") % {"name": placement.person.name, "what": what},
        deadline=end_of(local_date(at)),
        description=_("%(placement)s, home grid %(grid)s, monitoring until %(end)s.")
        % {"placement": placement, "grid": placement.home_id, "end": placement.planned_end_on},
    )
    record_event(
        ALERT_RAISED,
        task.title,
        jurisdiction_code=placement.home_id[:6],
        subject=placement,
        actor=actor,
        payload={"task": task.pk, "kind": kind, "community": owner.code},
    )
    return task


def close_alerts(source, actor, note: str) -> int:
    return do_close_rule_tasks(source, actor=actor, note=note)


def close_handover(placement: Placement, actor, note: str) -> None:
    for release in placement.releases.all():
        do_close_rule_tasks(release, actor=actor, note=note)


def do_complete(placement: Placement, *, actor, at: datetime.datetime) -> Placement:
    """The end of monitoring closes the episode (and the grid's home-monitoring task).

    Dated ``at``: the sweep completes yesterday's ends at the end of their last day, not at the
    moment it runs, so the people at home are counted out on the day their regime ended.
    """
    placement.tests.filter(status=TestStatus.PENDING).update(status=TestStatus.CANCELLED)
    placement.status, placement.ended_at, placement.next_test_on = (
        PlacementStatus.COMPLETED,
        at,
        None,
    )
    placement.save(update_fields=["status", "ended_at", "next_test_on"])
    close_alerts(placement, actor, _("Monitoring completed."))
    close_handover(placement, actor, _("Monitoring completed."))
    entry(placement, EntryKind.COMPLETED, actor, at=at)
    record_on(
        placement,
        COMPLETED,
        message(gettext_noop("%(name)s: monitoring completed"), {"name": placement.person.name}),
        actor=actor,
        at=at,
    )
    return placement


def do_sweep(on: datetime.date, *, actor=None, queryset=None) -> dict[str, int]:
    """Close finished episodes and raise alerts for yesterday's misses, as of the start of ``on``.

    Idempotent: an alert already open for the same miss is not raised again.
    """
    rows = Placement.objects.all() if queryset is None else queryset
    counts = {"completed": 0, "missed_checks": 0, "missed_tests": 0}
    yesterday = on - DAY
    with transaction.atomic():
        home = rows.filter(status=PlacementStatus.ACTIVE, setting=Setting.HOME).select_related(
            "person"
        )
        for placement in home.filter(planned_end_on__lt=on):
            do_complete(placement, actor=actor, at=end_of(placement.planned_end_on))
            counts["completed"] += 1
        ct = ContentType.objects.get_for_model(Placement)
        alerted = set(
            Task.objects.filter(
                source_type=ct, kind=MISSED_CHECK, status__in=OPEN_STATUSES
            ).values_list("source_id", flat=True)
        )
        missed = home.filter(planned_end_on__gte=yesterday, placed_at__lt=start_of(yesterday))
        missed = missed.exclude(last_check_on__gte=yesterday)
        for placement in missed:
            if str(placement.pk) in alerted:
                continue
            what = _("no check-in on %(day)s") % {"day": yesterday}
            if raise_alert(placement, actor, what, end_of(yesterday)):
                counts["missed_checks"] += 1
        tests = ScheduledTest.objects.filter(
            placement__in=home, status=TestStatus.PENDING, due_on__lt=on
        ).select_related("placement", "placement__person")
        for test in tests:
            what = _("no result for the test due on %(day)s") % {"day": test.due_on}
            if raise_alert(test, actor, what, end_of(test.due_on)):
                counts["missed_tests"] += 1
    return counts
