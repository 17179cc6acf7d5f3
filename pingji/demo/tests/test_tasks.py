"""The command and tasks demo steps on the test tree: the meeting and what it decided."""

import datetime
import random

import pytest
from django.utils import timezone

from pingji.command.models import Meeting
from pingji.core.models import DomainEvent
from pingji.demo.steps import command as command_demo
from pingji.demo.steps import tasks as tasks_demo
from pingji.tasks.choices import PlanStatus, TaskKind, TaskStatus
from pingji.tasks.models import Directive, PlanTemplate, ProblemList, Review, Task
from pingji.tasks.reviews import timeline


class FakeReplay:
    start = datetime.date(2021, 9, 10)
    end = datetime.date(2021, 10, 31)

    def happened(self, at):
        return True

    def rng(self, name):
        return random.Random(f"1:{name}")


@pytest.fixture
def played(tree):
    # an earlier step's fact in Putian, as the cases step writes them
    DomainEvent.objects.create(
        kind="cases.reported",
        summary="仙游县报告本土确诊病例",
        jurisdiction_code="350322",
        time=timezone.make_aware(datetime.datetime(2021, 9, 10, 16)),
    )
    replay = FakeReplay()
    return command_demo.load(replay), tasks_demo.load(replay)


def test_the_meeting_and_its_decisions_are_replayed_at_their_time(played):
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.held_at).date() == datetime.date(2021, 9, 26)
    directives = Directive.objects.filter(meeting=meeting)
    assert directives.count() == 2
    receivers = {t.jurisdiction_id for t in directives.first().tasks()}
    assert receivers == {"3502", "3503"}  # every city of the test tree
    plist = ProblemList.objects.get()
    statuses = [i.task.status for i in plist.items.order_by("number")]
    assert statuses == [
        TaskStatus.DONE,
        TaskStatus.DONE,
        TaskStatus.OPEN,
        TaskStatus.DONE,
        TaskStatus.SUBMITTED,
        TaskStatus.OPEN,
    ]
    returned = plist.items.get(number=2).task.timeline().filter(kind="tasks.returned")
    assert returned.exists()
    # one city never submits its National Day plan
    rows = PlanTemplate.objects.get().submissions()
    assert sum(not r["submitted"] for r in rows) == 1
    assert all(r["plan"].status == PlanStatus.SUBMITTED for r in rows if r["plan"])
    assert Task.objects.filter(kind=TaskKind.PLAN_MEASURE).count() == 2


def test_the_review_timeline_reads_the_earlier_steps_events(played):
    review = Review.objects.get()
    days = timeline(review)
    first = days[0]
    assert first.date == datetime.date(2021, 9, 10)
    assert [e.summary for e in first.events] == ["仙游县报告本土确诊病例"]
    kinds = {k for d in days for k in d.counts}
    assert {"command.meeting_held", "tasks.directive_issued", "tasks.plan_submitted"} <= kinds
    assert review.tasks().filter(kind=TaskKind.IMPROVEMENT).count() == 2
    # every event of the replay is dated in its history, none "now"
    assert not DomainEvent.objects.filter(time__year__gt=2021).exists()


def test_the_steps_do_not_run_twice(played):
    again = command_demo.load(FakeReplay()), tasks_demo.load(FakeReplay())
    assert again == ({"meetings": 0, "mode_switches": 0}, {"directives": 0})
    assert Meeting.objects.count() == 1 and Directive.objects.count() == 2
