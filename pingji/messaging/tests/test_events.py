"""Each cause, through its domain's real action, queues its message, masked, once.

The bodies are read as they are handed to the gateways (the local HTTP and SMTP servers), and
checked against the person's real name and identity number.
"""

import datetime
import re

import pytest
from django.utils import timezone

from pingji.core import clock
from pingji.core.jobs import REGISTRY
from pingji.messaging import handlers, texts
from pingji.messaging.jobs import remind_tests_due
from pingji.messaging.models import Message
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.actions.self_report import path_for
from pingji.quarantine.models import SelfReportLink
from pingji.users.choices import Role

from .conftest import GRID

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, month, day, hour, 0))


def send_all():
    return REGISTRY["messaging.send"].fn(lambda *a, **k: None)


def bodies(http_gateway, smtp_server=None) -> str:
    sent = [str(r["json"]) for r in http_gateway.requests]
    sent += [m["data"] for m in (smtp_server.messages if smtp_server else [])]
    return "\n".join(sent)


def assert_masked(text: str, person) -> None:
    id_number = person.reveal()["id_number"]
    assert person.name not in text and id_number not in text
    assert id_number[6:14] not in text  # not even the birth date


@pytest.fixture
def dispatched(gateways, resident, huli_resident, huli_operator, make_user):
    """A close contact of a 仙游 case, living in 湖里: dispatched there when added."""
    from pingji.cases.tests.factories import CaseFactory
    from pingji.tracing.actions.contacts import create_contact
    from pingji.tracing.tests.factories import InvestigationFactory

    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    investigation = InvestigationFactory(case=CaseFactory(person=resident))
    return create_contact(
        investigation,
        actor=epi,
        person=huli_resident,
        tier="close_contact",
        setting="workplace",
        last_exposure_at=at(9, 11, 20),
    )


def test_a_dispatch_reaches_the_receiving_countys_operators(
    dispatched, huli_operator, operator, http_gateway, smtp_server, huli_resident
):
    rows = Message.objects.filter(template=texts.DISPATCH_RECEIVED)
    assert {(m.user_id, m.channel) for m in rows} == {
        (huli_operator.pk, "email"),
        (huli_operator.pk, "im"),
    }
    assert rows[0].fields["person"] == "黄**" and rows[0].jurisdiction_code == "350206"
    send_all()
    assert "协查函" in bodies(http_gateway, smtp_server)
    assert_masked(bodies(http_gateway, smtp_server), huli_resident)


def test_an_escalated_task_reaches_its_owners_accounts_with_names_masked(
    dispatched, huli_operator, http_gateway, smtp_server, huli_resident
):
    from pingji.core import clock
    from pingji.tasks.actions.work import do_escalate_overdue

    assert do_escalate_overdue(clock.now() + datetime.timedelta(days=2))["escalated"] == 1
    rows = Message.objects.filter(template=texts.TASK_ESCALATED)
    assert {(m.user_id, m.channel) for m in rows} == {
        (huli_operator.pk, "email"),
        (huli_operator.pk, "im"),
    }
    assert rows[0].fields["to"] == "厦门市" and "黄**" in rows[0].fields["title"]
    send_all()
    assert "督办" in bodies(http_gateway, smtp_server)
    assert_masked(bodies(http_gateway, smtp_server), huli_resident)


def test_replaying_an_event_queues_nothing_new(dispatched):
    from pingji.core.models import DomainEvent

    event = DomainEvent.objects.get(kind="tracing.dispatched")
    before = Message.objects.count()
    handlers.on_dispatched(event)
    assert Message.objects.count() == before == 2


def release_resident(resident, operator):
    """Place 林秀英 at a hotel in July 2022 (the 9th edition, which tests at home on home day
    3), record her site tests negative, and release her on her planned day."""
    from pingji.quarantine.actions import monitoring, release
    from pingji.quarantine.actions.placement import do_place_person
    from pingji.quarantine.actions.sites import do_create_site

    def on(day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    hotel = do_create_site(
        actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=operator.jurisdiction, rooms=3
    )
    placed = do_place_person(
        actor=operator,
        person=resident,
        exposure_at=on(datetime.date(2022, 7, 10), 15),
        site=hotel,
        placed_at=on(datetime.date(2022, 7, 11), 20),
    )
    for test in placed.tests.filter(status="pending", setting="centralised"):
        monitoring.do_record_result(
            actor=operator,
            test=test,
            result="negative",
            sampled_at=on(test.due_on, 8),
            at=on(test.due_on, 18),
        )
    release.do_release_placement(placed, actor=operator, at=on(placed.planned_release_on, 20))
    placed.refresh_from_db()
    return placed


@pytest.fixture
def released(gateways, resident, operator):
    return release_resident(resident, operator)


def test_a_release_tells_the_person_the_end_and_the_test_days(released, http_gateway, resident):
    [row] = Message.objects.filter(template=texts.RELEASED)
    assert (row.person_id, row.channel, row.status) == (resident.pk, "sms", "queued")
    home_tests = released.tests.filter(setting="home").order_by("due_on")
    assert home_tests.exists()
    day = home_tests[0].due_on
    assert f"{day.month}月{day.day}日" in row.fields["test_days"]
    assert str(released.planned_end_on.day) in row.fields["planned_end_on"]
    send_all()
    [request] = http_gateway.requests
    assert request["json"]["to"] == "13805951234" and "解除集中隔离" in request["json"]["text"]
    assert_masked(bodies(http_gateway), resident)


def test_the_self_report_link_is_filled_at_send_time_and_never_stored(
    gateways, resident, operator, http_gateway, settings, client
):
    settings.PUBLIC_BASE_URL = "https://pingji.example.cn/"
    evening = timezone.make_aware(datetime.datetime(2022, 7, 17, 21))  # an hour after release
    with clock.pinned(evening):
        released = release_resident(resident, operator)
        send_all()
    [request] = http_gateway.requests
    text = request["json"]["text"]
    [url] = re.findall(r"每日健康自报：(\S+)", text)
    link = SelfReportLink.objects.get(placement=released)
    assert url == "https://pingji.example.cn" + path_for(link)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(list(Message.objects.values()))
    with clock.pinned(evening):
        assert client.get(url.removeprefix("https://pingji.example.cn")).status_code == 200


def test_a_reminder_is_queued_the_day_before_a_test_at_home_once(released, resident):
    first = released.tests.filter(setting="home", status="pending").order_by("due_on")[0]
    eve = first.due_on - datetime.timedelta(days=1)
    assert remind_tests_due(eve) == 1
    assert remind_tests_due(eve) == 0  # the job run again queues nothing
    [row] = Message.objects.filter(template=texts.TEST_DUE)
    assert row.person_id == resident.pk and row.fields["person"] == "林**"
    assert row.cause == f"test:{first.pk}:{first.due_on}"


@pytest.fixture
def liaison(make_user):
    return make_user(
        Role.LIAISON, "350322", username="liaison", email="lx@xiehe.example.cn", phone="13600000001"
    )


def test_a_pause_reaches_the_establishments_liaison(
    gateways, operator, liaison, http_gateway, resident
):
    from pingji.reopening.actions.resumption import do_pause
    from pingji.reopening.models import Member
    from pingji.reopening.tests.factories import EstablishmentFactory

    est = EstablishmentFactory(jurisdiction=operator.jurisdiction, liaison=liaison)
    Member.objects.create(establishment=est, person=resident, role="staff")
    do_pause(est, actor=operator, reason="员工林秀英核酸阳性", at=at(10, 12))
    rows = Message.objects.filter(template=texts.PAUSED)
    assert {(m.establishment_id, m.channel) for m in rows} == {(est.pk, "sms"), (est.pk, "email")}
    assert {m.address_masked for m in rows} == {"136****0001", "l***@xiehe.example.cn"}
    send_all()
    assert http_gateway.requests[0]["json"]["to"] == "13600000001"
    assert est.name in http_gateway.requests[0]["json"]["text"]
    assert "员工林**核酸阳性" in http_gateway.requests[0]["json"]["text"]
    assert_masked(bodies(http_gateway), resident)


def test_an_approval_to_resume_reaches_the_liaison(
    gateways, operator, liaison, monkeypatch, smtp_server
):
    from pingji.reopening import controls
    from pingji.reopening.actions.registry import do_close_establishment
    from pingji.reopening.actions.resumption import do_apply, do_decide, do_inspect
    from pingji.reopening.tests.factories import SchoolFactory

    monkeypatch.setattr(controls, "_controls_at", lambda **kw: [])
    school = SchoolFactory(jurisdiction=operator.jurisdiction, liaison=liaison)
    do_close_establishment(school, actor=operator, reason="停课", at=at(9, 12))
    checklist = dict.fromkeys(
        [
            "staff_testing",
            "health_monitoring",
            "venue_code",
            "ventilation_disinfection",
            "morning_check",
            "isolation_room",
            "health_teacher",
            "contingency_plan",
        ],
        True,
    )
    app = do_apply(school, actor=operator, checklist=checklist, at=at(10, 8))
    do_inspect(app, actor=operator, passed=True, at=at(10, 9))
    do_decide(app, actor=operator, approve=True, at=at(10, 10))
    [row] = Message.objects.filter(template=texts.RESUMED, channel="email")
    assert row.establishment_id == school.pk and row.fields["at"] == "2021年10月10日09:00"
    send_all()
    [mail] = smtp_server.messages
    assert mail["to"] == ["lx@xiehe.example.cn"]


def test_a_published_area_reaches_its_residents_in_bulk(gateways, tree, make_user, http_gateway):
    from pingji.areas.actions import publishing, transitions
    from pingji.geo.choices import PlaceKind
    from pingji.geo.tests.factories import PlaceFactory

    compound = PlaceFactory(jurisdiction=tree[GRID], kind=PlaceKind.COMPOUND, name="东门花园")
    building = PlaceFactory(
        jurisdiction=tree[GRID], kind=PlaceKind.BUILDING, name="1号楼", parent=compound
    )
    inside = [
        PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID], place=building))
        for _ in range(3)
    ]
    outside = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    commander = make_user(Role.COMMANDER, "350322")
    area = transitions.do_designate_area(
        actor=epi,
        jurisdiction=tree["350322"],
        name="东门花园封控区",
        level="sealed",
        legal_basis="仙防控指〔2021〕3号",
        decided_at=at(9, 14, 10),
        places=[compound],
    )
    transitions.do_approve_transition(area.transitions.get(), actor=commander)
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 14, 12))
    rows = Message.objects.filter(template=texts.AREA_PUBLISHED)
    assert {m.person_id for m in rows} == {p.pk for p in inside}
    assert outside.pk not in {m.person_id for m in rows}
    assert len({m.batch for m in rows}) == 1
    assert rows[0].fields["level"] == "封控区" and rows[0].fields["change"] == "划定"
    send_all()
    assert len(http_gateway.requests) == 3
    for person in inside:
        assert_masked(bodies(http_gateway), person)
