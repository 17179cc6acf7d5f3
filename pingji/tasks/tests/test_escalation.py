"""Overdue tasks climb one level per escalation period (actions.work.do_escalate_overdue)."""

import json
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from pingji.core.choices import JobStatus
from pingji.core.jobs import run_job
from pingji.core.models import DomainEvent, Job
from pingji.tasks.actions.work import do_escalate_overdue
from pingji.tasks.choices import TaskStatus
from pingji.tasks.models import MIN_ESCALATION_PERIOD, Task
from pingji.tasks.tests.factories import TaskFactory

from .conftest import COMMUNITY, COUNTY, GRID

T0 = datetime(2021, 9, 12, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = timedelta(days=1)


@pytest.fixture
def late_task(tree):
    """A door check for the grid, given one day from T0, never done."""
    return TaskFactory(jurisdiction=tree[GRID], created_at=T0, deadline=T0 + DAY)


def escalations(task):
    events = DomainEvent.objects.filter(kind="tasks.escalated", object_id=str(task.pk))
    return list(events.order_by("time", "id"))


def test_nothing_moves_before_the_deadline(late_task):
    counts = do_escalate_overdue(T0 + DAY - timedelta(minutes=1))
    assert counts == {"overdue": 0, "escalated": 0, "waiting": 0, "at_top": 0}
    late_task.refresh_from_db()
    assert late_task.escalated_to is None


def test_an_overdue_task_climbs_one_level_per_period_and_no_faster(late_task):
    # when the deadline passes: to the owner's parent, with an event
    first = T0 + DAY + timedelta(minutes=5)
    assert do_escalate_overdue(first)["escalated"] == 1
    late_task.refresh_from_db()
    assert late_task.escalated_to_id == COMMUNITY and late_task.escalated_at == first
    [event] = escalations(late_task)
    assert event.payload["from"] == GRID and event.payload["to"] == COMMUNITY
    assert event.jurisdiction_code == GRID and event.actor is None
    assert event.time == first  # a replay (--now) dates its events in the replayed time
    # when it runs again within the period: nothing changes, no new event
    for later in (first, first + timedelta(hours=1), first + DAY - timedelta(seconds=1)):
        assert do_escalate_overdue(later) == {
            "overdue": 1,
            "escalated": 0,
            "waiting": 1,
            "at_top": 0,
        }
    assert len(escalations(late_task)) == 1
    # when another period passes: one more level, from the watcher, not from the owner
    do_escalate_overdue(first + DAY + timedelta(seconds=1))
    late_task.refresh_from_db()
    assert late_task.escalated_to_id == "350322100"
    assert [e.payload["to"] for e in escalations(late_task)] == [COMMUNITY, "350322100"]


def test_it_stops_at_the_top_of_the_tree(late_task):
    now = T0 + DAY
    for _ in range(10):
        now += DAY + timedelta(seconds=1)
        counts = do_escalate_overdue(now)
    late_task.refresh_from_db()
    assert late_task.escalated_to_id == "35"
    assert counts["at_top"] == 1 and counts["escalated"] == 0
    assert [e.payload["to"] for e in escalations(late_task)] == [
        COMMUNITY,
        "350322100",
        COUNTY,
        "3503",
        "35",
    ]


def test_a_short_task_waits_at_least_the_minimum_period(tree):
    task = TaskFactory(jurisdiction=tree[GRID], created_at=T0, deadline=T0 + timedelta(minutes=30))
    first = T0 + timedelta(minutes=31)
    do_escalate_overdue(first)
    do_escalate_overdue(first + MIN_ESCALATION_PERIOD - timedelta(seconds=1))
    task.refresh_from_db()
    assert task.escalated_to_id == COMMUNITY


@pytest.mark.parametrize("status", [TaskStatus.SUBMITTED, TaskStatus.DONE, TaskStatus.CANCELLED])
def test_only_work_still_with_the_owner_escalates(tree, status):
    task = TaskFactory(jurisdiction=tree[GRID], created_at=T0, deadline=T0 + DAY, status=status)
    assert do_escalate_overdue(T0 + 3 * DAY)["escalated"] == 0
    assert Task.objects.get(pk=task.pk).escalated_to is None


def test_sent_back_work_escalates_like_open_work(tree):
    TaskFactory(
        jurisdiction=tree[GRID], created_at=T0, deadline=T0 + DAY, status=TaskStatus.RETURNED
    )
    assert do_escalate_overdue(T0 + 2 * DAY)["escalated"] == 1


class TestCommand:
    def test_it_prints_the_counts(self, late_task):
        out = StringIO()
        call_command("escalate", "--now", (T0 + 2 * DAY).isoformat(), stdout=out)
        assert out.getvalue().strip() == "overdue 1, escalated 1, waiting 0, at top 0"
        late_task.refresh_from_db()
        assert late_task.escalated_to_id == COMMUNITY

    def test_json_output_and_idempotence(self, late_task):
        outs = [StringIO(), StringIO()]
        for out in outs:
            call_command("escalate", "--now", "2021-09-14T08:00", "--json", stdout=out)
        first, second = (json.loads(o.getvalue()) for o in outs)
        assert first["escalated"] == 1 and second == {**first, "escalated": 0, "waiting": 1}

    def test_a_bad_date_is_refused(self, late_task):
        with pytest.raises(CommandError, match="ISO"):
            call_command("escalate", "--now", "yesterday", stdout=StringIO())


def test_the_scheduler_can_queue_it_as_a_job(late_task):
    # given the job the in-app scheduler queues; when a runner picks it up
    row = Job.objects.create(kind="tasks.escalate")
    row = run_job(row.pk)
    # then it escalated the overdue task and kept the counts as its result
    assert row.status == JobStatus.SUCCEEDED
    assert row.result["escalated"] == 1
    assert Task.objects.get(pk=late_task.pk).escalated_to_id == COMMUNITY
