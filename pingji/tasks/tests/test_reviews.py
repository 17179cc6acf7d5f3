"""Reviews: a timeline assembled from the domain events, improvements that become tasks."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pingji.core.models import DomainEvent
from pingji.tasks.actions.reviews import do_add_improvement, do_create_review
from pingji.tasks.choices import TaskKind
from pingji.tasks.models import Review
from pingji.tasks.reviews import timeline
from pingji.users.choices import Role


def at(day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour))


def event(kind, when, code="350322", summary="x"):
    """Written directly: through ``record_event`` other domains' subscribers would react."""
    DomainEvent.objects.create(kind=kind, summary=summary, jurisdiction_code=code, time=when)


@pytest.fixture
def review(tree, make_user):
    return do_create_review(
        actor=make_user(Role.COMMANDER, "3503"),
        title="莆田疫情总结反思",
        period_start=datetime.date(2021, 9, 10),
        period_end=datetime.date(2021, 9, 30),
    )


def test_the_timeline_counts_frequent_kinds_and_lists_rare_ones(review):
    for n in range(5):
        event("cases.reported", at(10 + n % 2, 8 + n), summary=f"case {n}")
    event("command.mode_switched", at(10, 20), code="3503", summary="一级响应")
    event("cases.reported", at(12), code="350206")  # Xiamen: not this review's area
    event("cases.reported", at(9))  # before the period
    days = timeline(review, list_at_most=2)
    assert [d.date for d in days] == [datetime.date(2021, 9, 10), datetime.date(2021, 9, 11)]
    assert days[0].counts == {"cases.reported": 3, "command.mode_switched": 1}
    assert days[1].counts == {"cases.reported": 2}
    listed = [e.summary for e in days[0].events]
    assert listed == ["case 0", "一级响应"]  # the first case, and the rare switch
    assert days[1].events == []


def test_improvements_become_tasks_of_lower_levels(tree, review, make_user):
    cmd = make_user(Role.COMMANDER, "3503", username="cmd2")
    task = do_add_improvement(
        review,
        actor=cmd,
        title="完善学校晨午检制度",
        owner=tree["350322"],
        deadline=timezone.now() + timedelta(days=30),
    )
    assert task.kind == TaskKind.IMPROVEMENT and task.source == review
    with pytest.raises(ValidationError) as exc:
        do_add_improvement(
            review,
            actor=cmd,
            title="x",
            owner=tree["350206"],
            deadline=timezone.now() + timedelta(days=30),
        )
    assert "owner" in exc.value.message_dict
    assert review.tasks().count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(tree, make_user):
    with pytest.raises(ValidationError):
        do_create_review(
            actor=make_user(Role.COMMANDER, "3503"),
            title="x",
            period_start=datetime.date(2021, 9, 30),
            period_end=datetime.date(2021, 9, 10),
        )
    assert not Review.objects.exists()
