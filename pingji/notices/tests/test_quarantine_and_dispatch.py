"""The release certificate, the home-monitoring notice with its schedule, and the dispatch letter
of a move to another county with its revocation when the county does not take the person."""

import datetime

import pytest
from django.utils import timezone

from pingji.core import clock
from pingji.core.models import DomainEvent
from pingji.notices.choices import NoticeStatus
from pingji.notices.handlers import on_dispatched, on_released
from pingji.notices.models import Notice
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.actions import monitoring, moving, release
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_create_site
from pingji.tracing.actions.dispatch_answers import do_record_dispatch_outcome
from pingji.tracing.models import Dispatch
from pingji.users.choices import Role

from .conftest import GRID, HULI_GRID

pytestmark = pytest.mark.django_db
D = datetime.date


def sep(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour, 0))


@pytest.fixture
def resident(tree):
    household = HouseholdFactory(jurisdiction=tree[GRID], address="东门路9号")
    return PersonFactory(name="林某某", household=household, id_number="350322198001011234")


@pytest.fixture
def at_home(tree, operator, resident):
    """林某某, exposed 09-10, placed at a hotel on 09-12, tested negative, released on 09-24."""
    with clock.pinned(sep(24, 21)):
        hotel = do_create_site(
            actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
        )
        placed = do_place_person(
            actor=operator,
            person=resident,
            exposure_at=sep(10, 15),
            site=hotel,
            placed_at=sep(12, 20),
        )
        for test in placed.tests.filter(status="pending", setting="centralised"):
            monitoring.do_record_result(
                actor=operator,
                test=test,
                result="negative",
                sampled_at=sep(test.due_on.day, 8),
                at=sep(test.due_on.day, 18),
            )
        release.do_release_placement(placed, actor=operator, at=sep(24, 20))
    placed.refresh_from_db()
    return placed


def test_a_release_issues_the_certificate_and_the_home_monitoring_notice(at_home, resident):
    certificate = Notice.objects.get(kind="release")
    home = Notice.objects.get(kind="home_monitoring")
    assert certificate.person == home.person == resident
    assert certificate.number == "仙游〔2021〕隔第0001号"
    assert home.number == "仙游〔2021〕监第0001号"
    # the certificate is the site's county's; the home notice is the home grid's to hand out
    assert certificate.jurisdiction_id == "350322" and home.jurisdiction_id == GRID
    # the schedule: from the day after release to the end of the regime, on the home test days
    schedule = home.content["schedule"]
    assert (
        schedule["start"] == "2021-09-25" and schedule["end"] == at_home.planned_end_on.isoformat()
    )
    home_tests = sorted(
        t.isoformat() for t in at_home.tests.filter(setting="home").values_list("due_on", flat=True)
    )
    assert schedule["test_days"] == home_tests
    assert "东门路9号" in home.content["body"][0]
    assert certificate.content["clause"] == at_home.clause and at_home.clause


def test_a_notice_shows_the_identity_number_only_masked(at_home):
    for notice in Notice.objects.all():
        text = str(notice.content)
        assert "350322198001011234" not in text and "19800101" not in text
    facts = dict(Notice.objects.get(kind="release").content["facts"])
    assert facts["身份证号"] == "350322***********4"
    assert facts["年龄"] == "41"  # the age on the day of release, never the birth date


def test_the_verification_page_masks_the_name_and_shows_no_identity_number(at_home, client):
    for notice in Notice.objects.filter(kind__in=["release", "home_monitoring"]):
        response = client.get(f"/notices/v/{notice.token}/")  # no login
        text = response.content.decode()
        assert response.status_code == 200 and "林**" in text
        assert "林某某" not in text and "350322" not in text and "东门路9号" not in text


def test_a_release_replayed_issues_nothing_new(at_home):
    before = list(Notice.objects.values_list("pk", "number"))
    event = DomainEvent.objects.get(kind="quarantine.released")
    on_released(event)
    assert list(Notice.objects.values_list("pk", "number")) == before


def move_away(at_home, operator):
    with clock.pinned(sep(26, 11)):
        return moving.do_move_home(
            at_home,
            actor=operator,
            grid=HULI_GRID,
            reason="搬到女儿家",
            address="海山路8号",
            at=sep(26, 10),
        )


def test_a_move_to_another_county_sends_a_dispatch_letter(at_home, operator):
    move_away(at_home, operator)
    letter = Notice.objects.get(kind="dispatch")
    dispatch = Dispatch.objects.get()
    assert letter.source == dispatch and letter.jurisdiction_id == dispatch.sender_id
    assert letter.issuer_id == "350322"
    assert letter.number == "仙游〔2021〕协第0001号"
    assert letter.content["to"] == f"{dispatch.to_region_name}疫情防控指挥部："
    assert "林某某" in letter.content["body"][0]
    assert "350322***********4" in letter.content["body"][0]
    on_dispatched(DomainEvent.objects.get(kind="tracing.dispatched"))  # replayed
    assert Notice.objects.filter(kind="dispatch").count() == 1


def test_the_county_asked_sees_the_letter_but_only_the_sender_revokes_it(
    at_home, operator, huli_operator, make_user
):
    move_away(at_home, operator)
    letter = Notice.objects.get(kind="dispatch")
    assert letter.addressee_id == "350206"
    assert Notice.objects.restrict(huli_operator).filter(pk=letter.pk).exists()
    assert not Notice.objects.restrict(huli_operator, "change").filter(pk=letter.pk).exists()
    assert Notice.objects.restrict(operator, "change").filter(pk=letter.pk).exists()
    elsewhere = make_user(Role.GRID_WORKER, "350206001001001")  # inside the county asked
    assert not Notice.objects.restrict(elsewhere).filter(pk=letter.pk).exists()


@pytest.mark.parametrize(
    "answer",
    [
        {"outcome": "not_resident", "reason": "查无此人"},
        {"outcome": "unreachable", "note": "电话关机"},
    ],
)
def test_a_county_that_does_not_take_the_person_revokes_the_letter(
    at_home, operator, huli_operator, answer
):
    move_away(at_home, operator)
    with clock.pinned(sep(27, 10)):
        do_record_dispatch_outcome(
            Dispatch.objects.get(), actor=huli_operator, at=sep(27, 9), **answer
        )
    letter = Notice.objects.get(kind="dispatch")
    assert letter.status == NoticeStatus.REVOKED and letter.revoked_at is not None
    assert letter.revoked_event.kind in ("tracing.dispatch_returned", "quarantine.taken_back")
    if answer["outcome"] == "not_resident":
        assert "查无此人" in letter.reason
    # the certificate and the home notice stand: the person is monitored at home again
    assert set(Notice.objects.exclude(kind="dispatch").values_list("status", flat=True)) == {
        NoticeStatus.VALID
    }
