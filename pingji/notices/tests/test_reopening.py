"""The approval notice of an establishment resuming, superseded by the pause notice."""

import datetime

import pytest
from django.utils import timezone

from pingji.core import clock
from pingji.core.models import DomainEvent
from pingji.notices.choices import NoticeStatus
from pingji.notices.handlers import on_paused, on_resumed
from pingji.notices.models import Notice
from pingji.reopening.actions.registry import do_close_establishment
from pingji.reopening.actions.resumption import do_apply, do_decide, do_inspect, do_pause
from pingji.reopening.tests.factories import SchoolFactory

from .conftest import GRID

pytestmark = pytest.mark.django_db

ALL_DONE_SCHOOL = {
    "staff_testing": True,
    "health_monitoring": True,
    "venue_code": True,
    "ventilation_disinfection": True,
    "morning_check": True,
    "isolation_room": True,
    "health_teacher": True,
    "contingency_plan": True,
}


def oct_(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 10, day, hour, 0))


@pytest.fixture
def resumed(tree, operator):
    with clock.pinned(oct_(10, 11)):
        school = SchoolFactory(jurisdiction=tree[GRID], name="东门小学")
        do_close_establishment(school, actor=operator, reason="停课", at=oct_(1))
        app = do_apply(school, actor=operator, checklist=ALL_DONE_SCHOOL, at=oct_(10, 8))
        do_inspect(app, actor=operator, passed=True, at=oct_(10, 9))
        do_decide(app, actor=operator, approve=True, at=oct_(10, 10))
    return school, app


def test_an_approval_issues_the_approval_notice(resumed):
    school, app = resumed
    notice = Notice.objects.get(kind="approval")
    assert (notice.establishment, notice.source, notice.jurisdiction_id) == (school, app, GRID)
    assert notice.number == "仙游〔2021〕复第0001号"
    assert notice.content["to"] == "东门小学：" and notice.content["clause"] == app.clause
    on_resumed(DomainEvent.objects.get(kind="reopening.resumed"))
    assert Notice.objects.filter(kind="approval").count() == 1


def test_a_pause_supersedes_the_approval_notice(resumed, operator):
    school, _app = resumed
    with clock.pinned(oct_(12, 13)):
        do_pause(school, actor=operator, reason="校内发现病例", at=oct_(12, 12))
    pause = Notice.objects.get(kind="pause")
    approval = Notice.objects.get(kind="approval")
    assert "校内发现病例" in pause.content["body"][0] and pause.is_valid
    assert approval.status == NoticeStatus.SUPERSEDED and approval.superseded_by == pause
    on_paused(DomainEvent.objects.get(kind="reopening.paused"))
    assert Notice.objects.filter(kind="pause").count() == 1
