"""A contact living in another county, known by particulars (decision 0042): the sender records
and dispatches it without learning whether or where the person is registered; the receiving
county names the resident (or registers them) before it may record them located or controlled."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pingji.core.models import DomainEvent
from pingji.people.identity import compose_id_number
from pingji.people.models import Person
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tasks.models import Task
from pingji.tracing.actions.dispatch_answers import do_record_dispatch_outcome
from pingji.tracing.actions.reported import (
    candidates,
    do_register_and_resolve,
    do_report_contact,
    do_resolve_dispatch,
)
from pingji.tracing.contracts import DISPATCH_RESOLVED, DISPATCHED
from pingji.tracing.models import Dispatch, ReportedContact
from pingji.tracing.tests.factories import InvestigationFactory
from pingji.users.choices import Role

from .conftest import at

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"
REGISTERED = compose_id_number("350206", datetime.date(1980, 5, 6), 21)
NOBODY = compose_id_number("350206", datetime.date(1980, 5, 6), 23)
PHONE = "13912345678"


@pytest.fixture
def investigation(case):
    return InvestigationFactory(case=case)


@pytest.fixture
def huli_resident(tree):
    """Registered in 湖里区 under another spelling than the sender will type."""
    return PersonFactory(
        name="黄某",
        household=HouseholdFactory(jurisdiction=tree[HULI_GRID]),
        id_number=REGISTERED,
        phone=PHONE,
    )


@pytest.fixture
def huli_operator(make_user):
    return make_user(Role.OPERATOR, "350206")


def particulars(id_number: str, **extra) -> dict:
    return {
        "name": "黄某某",
        "id_number": id_number,
        "phone": "",
        "address": "湖里区海山路1号",
        "to_region": "350206",
        "tier": "close_contact",
        "setting": "workplace",
        "last_exposure_at": at(11, 20),
        **extra,
    }


def report(investigation, epi, id_number=NOBODY, **extra) -> Dispatch:
    return do_report_contact(investigation, actor=epi, **particulars(id_number, **extra))


def _shape(sql: str) -> str:
    """A query without its values (nor its savepoint's name): what the database was asked, not
    about whom."""
    return re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql)


# --- the sender learns nothing -----------------------------------------------------------------


def test_the_sender_does_the_same_work_whether_or_not_the_person_is_registered(
    investigation, epi, huli_resident
):
    report(investigation, epi, compose_id_number("350206", datetime.date(1999, 9, 9), 1))  # warm
    with CaptureQueriesContext(connection) as registered:
        report(investigation, epi, REGISTERED)
    with CaptureQueriesContext(connection) as unknown:
        report(investigation, epi, NOBODY)
    # the same queries, in the same order: nothing depends on who is registered where
    assert [_shape(q["sql"]) for q in registered] == [_shape(q["sql"]) for q in unknown]
    # and no person is looked up by the identifiers the sender typed
    for q in registered.captured_queries:
        if '"people_person"' in q["sql"] and "SELECT" in q["sql"]:
            assert "_hash" not in q["sql"].split("WHERE")[-1], q["sql"]
    assert Dispatch.objects.filter(person__isnull=True).count() == 3


def test_the_sender_reads_the_same_answer_in_the_api(api, investigation, epi, huli_resident):
    url = reverse("investigation-report-contact", args=[investigation.pk])
    bodies = []
    for number in (REGISTERED, NOBODY):
        data = {**particulars(number), "last_exposure_at": "2021-09-11T20:00:00+08:00"}
        response = api(epi).post(url, data, format="json")
        assert response.status_code == 201, response.content
        bodies.append(response.json())
    varying = {"id", "sent_at", "due_at", "countdown"}
    same = [{k: v for k, v in b.items() if k not in varying} for b in bodies]
    assert same[0] == same[1]
    assert "person" not in bodies[0] and "reported" not in bodies[0]
    assert bodies[0]["person_name"] == "黄某某" and bodies[0]["view"] == "sender"


def test_the_sender_page_says_the_same_for_both(client, investigation, epi, huli_resident):
    client.force_login(epi)
    url = reverse("tracing:reported_contact_create", args=[investigation.pk])
    answers = []
    for number in (REGISTERED, NOBODY):
        form = {
            **particulars(number),
            "county": "350206",
            "last_exposure_at": "2021-09-11T20:00",
        }
        response = client.post(url, form, follow=True)
        assert response.status_code == 200
        answers.append([str(m) for m in response.context["messages"]])
    assert (
        answers[0]
        == answers[1]
        == ["Recorded. The contact is dispatched to the county you named, which will find them."]
    )
    page = client.get(investigation.get_absolute_url()).content.decode()
    assert page.count('<td data-label="name as reported">黄某某</td>') == 2
    assert "黄某</" not in page


def test_after_resolution_the_sender_still_sees_only_the_status(
    api, investigation, epi, huli_operator, huli_resident
):
    dispatch = report(investigation, epi, REGISTERED)
    do_resolve_dispatch(dispatch, actor=huli_operator, person=huli_resident)
    body = api(epi).get(f"/api/tracing/dispatches/{dispatch.pk}/").json()
    assert body["person_name"] == "黄某某"  # as typed, not the registered spelling
    assert "person" not in body and "reported" not in body and "handled_by" not in body
    seen = DomainEvent.objects.restrict(epi, "view").filter(object_id=str(dispatch.pk))
    assert DISPATCH_RESOLVED not in set(seen.values_list("kind", flat=True))


def test_a_contact_goes_to_the_receivers_inbox_with_its_deadline(investigation, epi):
    dispatch = report(investigation, epi)
    assert (dispatch.jurisdiction_id, dispatch.sender_id) == (
        "350206",
        investigation.jurisdiction_id,
    )
    assert dispatch.person is None and dispatch.reported.name == "黄某某"
    assert dispatch.last_exposure_at == at(11, 20)
    assert Task.objects.for_source(dispatch).get().jurisdiction_id == "350206"
    sent = DomainEvent.objects.get(kind=DISPATCHED)
    assert sent.jurisdiction_code == investigation.jurisdiction_id
    reported = ReportedContact.objects.get()
    assert reported.id_number_masked == "350206***********" + NOBODY[-1]
    assert reported.id_number_cipher and NOBODY not in str(reported.__dict__.values())


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"to_region": "350322"}, "to_region"),  # the sender's own county
        ({"to_region": "110105"}, "to_region"),  # another province
        ({"to_region": "350299"}, "to_region"),  # no such county
        ({"id_number": "", "address": ""}, "id_number"),  # nothing to find them by
        ({"name": " "}, "name"),
        ({"id_number": "350206198005060210"}, "id_number"),  # a bad check character
        ({"last_exposure_at": at(1, 9)}, "last_exposure_at"),  # before the look-back
    ],
)
def test_refusals_name_the_field_and_write_nothing(investigation, epi, extra, field):
    with pytest.raises(ValidationError) as refused:
        report(investigation, epi, **extra)
    assert field in refused.value.message_dict
    assert not ReportedContact.objects.exists() and not Dispatch.objects.exists()


def test_the_case_itself_is_not_its_own_contact(investigation, epi, case):
    number = compose_id_number("350322", datetime.date(1970, 1, 1), 33)
    case.person.set_id_number(number)
    case.person.save()
    with pytest.raises(ValidationError) as refused:
        report(investigation, epi, number)
    assert "itself" in str(refused.value)


def test_a_role_that_cannot_dispatch_cannot_report(investigation, make_user):
    with pytest.raises(PermissionDenied):
        report(investigation, make_user(Role.OPERATOR, "350322"))


# --- the receiving county resolves -------------------------------------------------------------


def test_the_receiver_sees_the_particulars_and_its_matching_residents(
    client, investigation, epi, huli_operator, huli_resident, tree
):
    PersonFactory(name="黄某某", household=HouseholdFactory(jurisdiction=tree["350322100001001"]))
    dispatch = report(investigation, epi, REGISTERED)
    assert candidates(dispatch, huli_operator) == [huli_resident]
    assert candidates(dispatch, epi) == []  # the sender is never offered anyone
    client.force_login(huli_operator)
    page = client.get(dispatch.get_absolute_url()).content.decode()
    assert "Who is this contact?" in page and huli_resident.get_absolute_url() in page
    assert "350206***********" in page and REGISTERED not in page


def test_located_or_controlled_waits_for_the_person_to_be_named(
    investigation, epi, huli_operator, huli_resident
):
    dispatch = report(investigation, epi, REGISTERED)
    with pytest.raises(ValidationError) as refused:
        do_record_dispatch_outcome(dispatch, actor=huli_operator, outcome="located")
    assert "Name the person first" in str(refused.value)
    dispatch = do_resolve_dispatch(dispatch, actor=huli_operator, person=huli_resident)
    assert dispatch.person == huli_resident
    event = DomainEvent.objects.get(kind=DISPATCH_RESOLVED)
    assert event.jurisdiction_code == "350206" and event.payload == {"how": "matched"}
    located = do_record_dispatch_outcome(dispatch, actor=huli_operator, outcome="located")
    assert located.status == "located"


def test_an_unresolved_contact_may_still_be_answered_unreachable(investigation, epi, huli_operator):
    dispatch = report(investigation, epi)
    closed = do_record_dispatch_outcome(dispatch, actor=huli_operator, outcome="unreachable")
    assert closed.status == "unreachable" and closed.person is None


def test_the_receiver_registers_someone_nobody_registered(investigation, epi, huli_operator, tree):
    dispatch = report(investigation, epi, NOBODY, phone=PHONE)
    resolved = do_register_and_resolve(dispatch, actor=huli_operator, grid=tree[HULI_GRID])
    person = Person.objects.get(pk=resolved.person_id)
    assert person.name == "黄某某" and person.jurisdiction_id == HULI_GRID
    assert Person.objects.with_id_number(NOBODY).get() == person
    assert Person.objects.with_phone(PHONE).get() == person
    assert DomainEvent.objects.get(kind=DISPATCH_RESOLVED).payload == {"how": "registered"}


def test_only_the_receiver_resolves_and_only_to_its_own_residents(
    api, investigation, epi, huli_operator, huli_resident, neighbour
):
    dispatch = report(investigation, epi, REGISTERED)
    with pytest.raises(PermissionDenied):
        do_resolve_dispatch(dispatch, actor=epi, person=neighbour)
    with pytest.raises(ValidationError):
        do_resolve_dispatch(dispatch, actor=huli_operator, person=neighbour)
    url = f"/api/tracing/dispatches/{dispatch.pk}/resolve/"
    assert api(epi).post(url, {"person": neighbour.pk}, format="json").status_code == 404
    answer = api(huli_operator).post(url, {"person": huli_resident.pk}, format="json")
    assert answer.status_code == 200 and answer.json()["person"] == huli_resident.pk
    again = api(huli_operator).post(url, {"person": huli_resident.pk}, format="json")
    assert again.status_code == 409


def test_a_sender_posting_the_resolve_form_gets_404(client, investigation, epi, neighbour):
    dispatch = report(investigation, epi)
    client.force_login(epi)
    url = reverse("tracing:dispatch_resolve", args=[dispatch.pk])
    assert client.post(url, {"person": neighbour.pk}).status_code == 404
    assert Dispatch.objects.get().person is None
