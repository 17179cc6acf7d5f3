"""A dispatched person recorded as controlled is placed by the receiving county (decision 0026)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pingji.cases.tests.factories import CaseFactory
from pingji.core.events import events_for
from pingji.core.models import DomainEvent
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_create_site
from pingji.quarantine.models import Placement
from pingji.tasks.models import Task
from pingji.tracing.actions.dispatch import do_dispatch_person
from pingji.tracing.actions.dispatch_answers import do_record_dispatch_outcome
from pingji.tracing.models import Dispatch
from pingji.tracing.tests.factories import ContactFactory, InvestigationFactory
from pingji.users.choices import Role

from .conftest import GRID, HULI_GRID, at, sep

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def epi(make_user):
    """The sender: an epidemiologist of 仙游县, whose case had a contact living in 湖里区."""
    return make_user(Role.EPIDEMIOLOGIST, "350322")


@pytest.fixture
def huli_person(tree):
    return PersonFactory(name="黄某", household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))


def dispatched(tree, epi, person, exposure_at, sent_at, tier="close_contact"):
    index = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    contact = ContactFactory(
        investigation=InvestigationFactory(case=CaseFactory(person=index)),
        person=person,
        tier=tier,
        last_exposure_at=exposure_at,
    )
    return do_dispatch_person(
        person,
        to_jurisdiction=tree["350206"],
        reason="密接",
        source=contact,
        actor=epi,
        at=sent_at,
    )


@pytest.fixture
def dispatch(tree, epi, huli_person):
    """黄某, exposed 2021-09-10 15:00 (8th edition), dispatched to 湖里区 on 09-11 09:00."""
    return dispatched(tree, epi, huli_person, sep(10, 15), sep(11, 9))


@pytest.fixture
def huli_hotel(tree, huli_operator):
    return do_create_site(
        actor=huli_operator, name="湖里酒店", kind="hotel", jurisdiction=tree["350206"], rooms=2
    )


def control(dispatch, actor, **kwargs):
    return do_record_dispatch_outcome(
        dispatch, actor=actor, outcome="controlled", at=sep(11, 20), **kwargs
    )


def nothing_written(dispatch):
    fresh = Dispatch.objects.get(pk=dispatch.pk)
    assert fresh.status == "sent" and fresh.closed_at is None
    assert not Placement.objects.exists()
    assert not DomainEvent.objects.filter(kind="tracing.dispatch_controlled").exists()
    assert Task.objects.for_source(fresh).get().status != "done"


def test_controlled_places_the_person_at_the_receivers_site_from_the_last_exposure(
    dispatch, huli_operator, huli_hotel
):
    # When 湖里区 records 黄某 controlled at its hotel
    d = control(dispatch, huli_operator, control={"site": huli_hotel.pk})
    # Then the dispatch is closed and 黄某 is placed there under the 8th edition, counted from
    # the contact's last exposure (14 days at the site, 7 at home)
    assert d.status == "controlled"
    p = Placement.objects.get()
    assert (p.person, p.site, p.jurisdiction_id, p.contact) == (
        dispatch.person,
        huli_hotel,
        "350206",
        dispatch.source,
    )
    assert (p.protocol.code, p.category, p.exposure_on) == (
        "cn-8th-edition",
        "close_contact",
        D(2021, 9, 10),
    )
    assert (p.planned_release_on, p.planned_end_on) == (D(2021, 9, 24), D(2021, 10, 1))
    assert p.placed_at == sep(11, 20) and p.placed_by == huli_operator
    assert [e.kind for e in events_for(p)] == ["quarantine.placed"]
    assert events_for(d).last().payload["control"] == {"site": huli_hotel.pk}


def test_a_regime_at_home_needs_no_site(tree, epi, huli_person, huli_operator):
    # Given a secondary contact exposed 2022-07-10: 7 days at home under the 9th edition
    d = dispatched(tree, epi, huli_person, at(7, 10), at(7, 11), tier="secondary_contact")
    do_record_dispatch_outcome(d, actor=huli_operator, outcome="controlled", at=at(7, 11, 20))
    # Then they are placed at home, managed by their grid in the receiving county
    p = Placement.objects.get()
    assert (p.setting, p.site, p.jurisdiction_id) == ("home", None, HULI_GRID)
    assert (p.protocol.code, p.category, p.planned_end_on) == (
        "cn-9th-edition",
        "secondary_contact",
        D(2022, 7, 17),
    )


def test_refusals_leave_the_dispatch_unanswered(
    dispatch, huli_operator, huli_hotel, tree, make_user
):
    # no site while the regime starts with centralised quarantine
    with pytest.raises(ValidationError) as exc:
        control(dispatch, huli_operator)
    assert exc.value.error_dict["site"][0].code == "required"
    nothing_written(dispatch)
    # a site of another county, even for the province which sees both
    province = make_user(Role.OPERATOR, "35")
    other = do_create_site(
        actor=province, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    for actor in (huli_operator, province):
        with pytest.raises(ValidationError) as exc:
            control(dispatch, actor, control={"site": other.pk})
        assert exc.value.error_dict["site"][0].message == "No such site in 湖里区."
    # a full site
    full = do_create_site(
        actor=huli_operator, name="满员酒店", kind="hotel", jurisdiction=tree["350206"], rooms=0
    )
    with pytest.raises(ValidationError) as exc:
        control(dispatch, huli_operator, control={"site": full.pk})
    assert exc.value.error_dict["site"][0].code == "over_capacity"
    # hostile or malformed ids
    for bad in ({"site": "1; DROP TABLE"}, {"site": True}, ["site"]):
        with pytest.raises(ValidationError) as exc:
            control(dispatch, huli_operator, control=bad)
        assert "control" in exc.value.error_dict
    nothing_written(dispatch)


def test_a_person_already_placed_is_not_placed_twice(dispatch, huli_operator, huli_hotel):
    # Given 湖里区 placed 黄某 from the quarantine pages before answering the dispatch
    first = do_place_person(
        actor=huli_operator,
        person=dispatch.person,
        exposure_at=sep(10, 15),
        site=huli_hotel,
        placed_at=sep(11, 18),
    )
    # When it records the dispatch controlled (with or without the site)
    d = control(dispatch, huli_operator, control={"site": huli_hotel.pk})
    # Then the dispatch is closed and the one placement stays the only one
    assert d.status == "controlled"
    assert list(Placement.objects.all()) == [first]


def test_a_placement_for_the_same_exposure_already_over_is_not_doubled(
    dispatch, huli_operator, huli_hotel
):
    p = do_place_person(
        actor=huli_operator,
        person=dispatch.person,
        exposure_at=sep(10, 15),
        site=huli_hotel,
        placed_at=sep(11, 18),
    )
    Placement.objects.filter(pk=p.pk).update(status="completed")
    control(dispatch, huli_operator)
    assert Placement.objects.count() == 1


def test_a_contact_who_became_a_case_is_controlled_as_a_case_not_placed(
    dispatch, huli_operator, huli_hotel
):
    # Given 黄某 was reported a case (under treatment) before the answer
    CaseFactory(person=dispatch.person, reported_at=sep(11, 15))
    # When 湖里区 records the dispatch controlled, naming a site
    control(dispatch, huli_operator, control={"site": huli_hotel.pk})
    # Then the dispatch is closed and nobody is put in quarantine
    assert Dispatch.objects.get().status == "controlled" and not Placement.objects.exists()


def test_a_regime_already_over_places_nobody(tree, epi, huli_person, huli_operator):
    # exposed 2021-09-10 and controlled only on 10-20: the 14 + 7 days are over
    d = dispatched(tree, epi, huli_person, sep(10, 15), sep(11, 9))
    do_record_dispatch_outcome(d, actor=huli_operator, outcome="controlled", at=sep(50))
    assert Dispatch.objects.get().status == "controlled" and not Placement.objects.exists()


def test_a_residence_recorded_outside_the_receiving_county_is_refused(
    tree, epi, huli_operator, huli_hotel
):
    xianyou_person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    d = dispatched(tree, epi, xianyou_person, sep(10, 15), sep(11, 9))
    with pytest.raises(ValidationError) as exc:
        control(d, huli_operator, control={"site": huli_hotel.pk})
    assert "residence" in exc.value.error_dict["outcome"][0].message
    nothing_written(d)


def test_the_sender_never_sees_the_receivers_placement(
    dispatch, epi, huli_operator, huli_hotel, api
):
    control(dispatch, huli_operator, control={"site": huli_hotel.pk})
    p = Placement.objects.get()
    assert not Placement.objects.restrict(epi).filter(pk=p.pk).exists()
    assert api(epi).get(f"/api/quarantine/placements/{p.pk}/").status_code == 404
    assert api(epi).get("/api/quarantine/placements/").json()["count"] == 0
    sender_view = api(epi).get(f"/api/tracing/dispatches/{dispatch.pk}/").json()
    assert sender_view["status"] == "controlled" and "site" not in sender_view
    assert not DomainEvent.objects.restrict(epi).filter(kind="quarantine.placed").exists()
    assert Placement.objects.restrict(huli_operator).filter(pk=p.pk).exists()


@pytest.fixture
def now_in_the_outbreak(monkeypatch):
    """The API and the pages answer "now": now is 2021-09-11 20:00."""
    monkeypatch.setattr(timezone, "now", lambda: sep(11, 20))


def test_the_api_places_on_control_and_refuses_bad_input(
    dispatch, huli_operator, huli_hotel, api, now_in_the_outbreak
):
    url = f"/api/tracing/dispatches/{dispatch.pk}/outcome/"
    client = api(huli_operator)
    missing = client.post(url, {"outcome": "controlled"}, format="json")
    assert missing.status_code == 400 and "site" in missing.json()
    hostile = client.post(
        url, {"outcome": "controlled", "control": {"site": "1 OR 1=1"}}, format="json"
    )
    assert hostile.status_code == 400
    unknown = client.post(url, {"outcome": "controlled", "control": {"site": 999}}, format="json")
    assert unknown.status_code == 400 and "site" in unknown.json()
    nothing_written(dispatch)
    ok = client.post(
        url, {"outcome": "controlled", "control": {"site": huli_hotel.pk}}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "controlled"
    assert Placement.objects.get().site == huli_hotel


def test_the_outcome_form_asks_for_the_site(
    dispatch, epi, huli_operator, huli_hotel, client, now_in_the_outbreak
):
    url = f"/tracing/dispatches/{dispatch.pk}/outcome/"
    client.force_login(huli_operator)
    page = client.get(dispatch.get_absolute_url()).content.decode()
    assert 'name="site"' in page and "湖里酒店" in page
    bad = client.post(url, {"outcome": "controlled"})
    assert bad.status_code == 400 and "choose a site" in bad.content.decode()
    foreign = client.post(url, {"outcome": "controlled", "site": "999"})
    assert foreign.status_code == 400
    nothing_written(dispatch)
    ok = client.post(url, {"outcome": "controlled", "site": str(huli_hotel.pk)})
    assert ok.status_code == 302 and Placement.objects.get().site == huli_hotel
    # the sender's page shows no form and nothing of the placement
    client.force_login(epi)
    page = client.get(dispatch.get_absolute_url()).content.decode()
    assert 'name="site"' not in page and "湖里酒店" not in page


def test_a_contact_dispatch_returned_places_and_takes_back_nobody(dispatch, huli_operator):
    do_record_dispatch_outcome(
        dispatch, actor=huli_operator, outcome="not_resident", reason="不是本地人", at=sep(11, 20)
    )
    assert not Placement.objects.exists()
    assert not Task.objects.filter(kind="quarantine.handover-refused").exists()


# --- nobody placed: the one who answered is told why --------------------------------------------


def not_placed(dispatch) -> list[DomainEvent]:
    return list(events_for(dispatch).filter(kind="quarantine.not_placed"))


def test_a_regime_already_over_is_told_on_the_dispatch(tree, epi, huli_person, huli_operator):
    d = dispatched(tree, epi, huli_person, sep(10, 15), sep(11, 9))
    do_record_dispatch_outcome(d, actor=huli_operator, outcome="controlled", at=sep(50))
    [event] = not_placed(d)
    assert event.payload == {"reason": "regime_over", "at": sep(50).isoformat()}
    assert event.jurisdiction_code == "350206" and event.actor == huli_operator
    assert "Nobody was placed" in event.summary and "ended on 2021-10-01" in event.summary
    assert "2021-09-10" in event.summary  # counted from the last exposure
    # the sender sees the status, never the receiver's reasons
    assert not DomainEvent.objects.restrict(epi).filter(kind="quarantine.not_placed").exists()


@pytest.fixture
def late_in_october(monkeypatch):
    """The pages and the API answer "now": 2021-10-20 09:00, when a regime from 09-10 is over."""
    monkeypatch.setattr(timezone, "now", lambda: sep(50))


def test_the_api_says_why_nobody_was_placed(
    tree, epi, huli_person, huli_operator, api, late_in_october
):
    d = dispatched(tree, epi, huli_person, sep(10, 15), sep(11, 9))
    ok = api(huli_operator).post(
        f"/api/tracing/dispatches/{d.pk}/outcome/", {"outcome": "controlled"}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    body = ok.json()
    assert body["status"] == "controlled" and not Placement.objects.exists()
    [notice] = body["notices"]
    assert notice["kind"] == "quarantine.not_placed" and notice["reason"] == "regime_over"
    assert "Nobody was placed" in notice["message"] and "ended on 2021-10-01" in notice["message"]


def test_the_page_says_why_nobody_was_placed(
    tree, epi, huli_person, huli_operator, client, late_in_october
):
    d = dispatched(tree, epi, huli_person, sep(10, 15), sep(11, 9))
    client.force_login(huli_operator)
    answered = client.post(f"/tracing/dispatches/{d.pk}/outcome/", {"outcome": "controlled"})
    assert answered.status_code == 302
    page = client.get(answered.url).content.decode()
    assert "msg-warning" in page and "Nobody was placed" in page and "ended on 2021-10-01" in page
    assert not Placement.objects.exists()


def test_a_case_by_now_is_told_and_a_placement_is_not(
    dispatch, huli_operator, huli_hotel, api, now_in_the_outbreak
):
    case = CaseFactory(person=dispatch.person, reported_at=sep(11, 15))
    ok = api(huli_operator).post(
        f"/api/tracing/dispatches/{dispatch.pk}/outcome/",
        {"outcome": "controlled", "control": {"site": huli_hotel.pk}},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    [notice] = ok.json()["notices"]
    assert notice["reason"] == "case" and f"Case {case.pk}" in notice["message"]


def test_someone_already_placed_is_told(dispatch, huli_operator, huli_hotel):
    do_place_person(
        actor=huli_operator,
        person=dispatch.person,
        exposure_at=sep(10, 15),
        site=huli_hotel,
        placed_at=sep(11, 18),
    )
    control(dispatch, huli_operator, control={"site": huli_hotel.pk})
    [event] = not_placed(dispatch)
    assert event.payload["reason"] == "under_placement" and "already under" in event.summary


def test_a_placement_made_tells_nothing(
    dispatch, huli_operator, huli_hotel, api, now_in_the_outbreak
):
    ok = api(huli_operator).post(
        f"/api/tracing/dispatches/{dispatch.pk}/outcome/",
        {"outcome": "controlled", "control": {"site": huli_hotel.pk}},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["notices"] == []
    assert Placement.objects.count() == 1 and not not_placed(dispatch)


def test_a_voided_case_does_not_count_as_controlled(dispatch, huli_operator, huli_hotel, make_user):
    from pingji.cases.actions.course import do_void_case

    case = CaseFactory(person=dispatch.person, reported_at=sep(11, 15))
    do_void_case(case, actor=make_user(Role.EPIDEMIOLOGIST, "350206"), reason="duplicate")
    control(dispatch, huli_operator, control={"site": huli_hotel.pk})
    assert Placement.objects.get().person == dispatch.person and not not_placed(dispatch)
