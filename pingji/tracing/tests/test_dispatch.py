"""Dispatch (协查): contacts living elsewhere pushed to their county, its inbox and answers,
the sender seeing status only, the out-of-province export (``do_dispatch_person``, decision
0008)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from pingji.core.events import events_for
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tasks.actions.work import do_escalate_overdue
from pingji.tasks.models import Task
from pingji.tracing.actions.contacts import create_contact
from pingji.tracing.actions.dispatch import do_dispatch_person
from pingji.tracing.actions.dispatch_answers import (
    do_acknowledge_dispatch,
    do_export_dispatches,
    do_record_dispatch_outcome,
)
from pingji.tracing.models import Contact, Dispatch
from pingji.tracing.tests.factories import InvestigationFactory
from pingji.users.choices import Role

from .conftest import at

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"


@pytest.fixture
def investigation(case):
    return InvestigationFactory(case=case)


@pytest.fixture
def huli_resident(tree):
    return PersonFactory(name="黄某", household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))


@pytest.fixture
def huli_operator(make_user):
    return make_user(Role.OPERATOR, "350206")


@pytest.fixture
def contact(investigation, huli_resident, epi):
    """A close contact of the Xianyou case who lives in Huli: dispatched on adding."""
    return create_contact(
        investigation,
        actor=epi,
        person=huli_resident,
        tier="close_contact",
        setting="workplace",
        last_exposure_at=at(11, 20),
    )


def test_a_contact_living_in_another_county_is_dispatched_there(contact, epi):
    # Then one dispatch to 湖里区, sent by the investigating grid, due 24 h later (8th edition)
    d = Dispatch.objects.get()
    assert (d.jurisdiction_id, d.sender_id, d.to_region) == (
        "350206",
        contact.jurisdiction_id,
        "350206",
    )
    assert d.in_province and d.person_id == contact.person_id
    assert d.due_at - d.sent_at == pytest.approx(24 * 3600, abs=1) or (
        (d.due_at - d.sent_at).total_seconds() == 24 * 3600
    )
    assert "第八版" in d.deadline_clause or d.deadline_clause
    assert d.source == contact and d.last_exposure_at == contact.last_exposure_at
    # and a work item in Huli's inbox, due at the deadline
    task = Task.objects.for_source(d).get()
    assert (task.kind, task.jurisdiction_id, task.deadline) == (
        "tracing.dispatch",
        "350206",
        d.due_at,
    )
    assert [e.kind for e in events_for(d)] == ["tracing.dispatched"]


def test_a_contact_of_the_same_county_is_not_dispatched(investigation, neighbour, epi):
    create_contact(
        investigation,
        actor=epi,
        person=neighbour,
        tier="close_contact",
        setting="household",
        last_exposure_at=at(11, 20),
    )
    assert not Dispatch.objects.exists()


def test_the_same_person_is_not_dispatched_twice(contact, epi):
    # When the contact is dispatched again by hand
    with pytest.raises(ValidationError) as exc:
        do_dispatch_person(
            contact.person,
            to_jurisdiction=contact.person.jurisdiction,
            reason="again",
            source=contact,
            actor=epi,
        )
    # Then it is refused, naming the open dispatch, and nothing is added
    assert exc.value.error_dict["person"][0].code == "duplicate"
    assert Dispatch.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"reason": "  "}, "reason", "required"),
        ({"to_jurisdiction": None, "to_region": "12ab"}, "to_region", "required"),
        ({"to_jurisdiction": None, "to_region": "350399"}, "to_region", "invalid"),
        ({"to_jurisdiction": None, "to_region": "350322"}, "to_jurisdiction", "own"),
    ],
)
def test_bad_dispatches_are_refused_and_write_nothing(
    investigation, neighbour, epi, tree, kwargs, field, code
):
    contact = Contact.objects.create(
        investigation=investigation,
        jurisdiction=investigation.jurisdiction,
        person=neighbour,
        tier="close_contact",
        setting="household",
        last_exposure_at=at(11, 20),
    )
    args = {"to_jurisdiction": tree["350206"], "reason": "close contact", **kwargs}
    with pytest.raises(ValidationError) as exc:
        do_dispatch_person(neighbour, source=contact, actor=epi, **args)
    assert exc.value.error_dict[field][0].code == code
    assert (
        not Dispatch.objects.exists() and not Task.objects.filter(kind="tracing.dispatch").exists()
    )


def test_a_role_without_dispatch_rights_or_scope_is_refused(contact, make_user, huli_epi):
    grid_worker = make_user(Role.GRID_WORKER, "350322")
    with pytest.raises(PermissionDenied):
        do_dispatch_person(
            contact.person,
            to_jurisdiction=None,
            to_region="110101",
            reason="x",
            source=contact,
            actor=grid_worker,
        )
    # an epidemiologist of another county cannot dispatch Xianyou's contact
    with pytest.raises(PermissionDenied):
        do_dispatch_person(
            contact.person,
            to_jurisdiction=None,
            to_region="110101",
            reason="x",
            source=contact,
            actor=huli_epi,
        )


def test_the_receiver_acknowledges_and_controls_and_the_item_closes(contact, huli_operator):
    d = Dispatch.objects.get()
    do_acknowledge_dispatch(d, actor=huli_operator)
    d = do_record_dispatch_outcome(d, actor=huli_operator, outcome="located")
    assert d.status == "located" and d.is_open
    d = do_record_dispatch_outcome(d, actor=huli_operator, outcome="controlled", note="集中隔离")
    assert (d.status, d.outcome_note) == ("controlled", "集中隔离") and d.closed_at >= d.sent_at
    assert Task.objects.for_source(d).get().status == "done"
    # the answers (quarantine may add why nobody was placed: the regime is long over by now)
    kinds = [e.kind for e in events_for(d) if e.kind.startswith("tracing.")]
    assert kinds[-3:] == [
        "tracing.dispatch_acknowledged",
        "tracing.dispatch_located",
        "tracing.dispatch_controlled",
    ]
    # a closed dispatch takes no more answers
    with pytest.raises(ValidationError):
        do_record_dispatch_outcome(d, actor=huli_operator, outcome="unreachable")


def test_not_our_resident_needs_a_reason_and_returns_it(contact, huli_operator):
    d = Dispatch.objects.get()
    with pytest.raises(ValidationError) as exc:
        do_record_dispatch_outcome(d, actor=huli_operator, outcome="not_resident")
    assert "reason" in exc.value.error_dict
    assert Dispatch.objects.get().status == "sent"
    d = do_record_dispatch_outcome(
        d, actor=huli_operator, outcome="not_resident", reason="已搬至思明区"
    )
    assert (d.status, d.return_reason) == ("returned", "已搬至思明区")


def test_the_sender_sees_status_but_cannot_answer(contact, epi, huli_operator, api):
    d = Dispatch.objects.get()
    # the sender (Xianyou) sees it, the receiver (Huli) works it
    assert Dispatch.objects.restrict(epi, "view").filter(pk=d.pk).exists()
    assert not Dispatch.objects.restrict(epi, "respond").filter(pk=d.pk).exists()
    with pytest.raises(PermissionDenied):
        do_acknowledge_dispatch(d, actor=epi)
    do_record_dispatch_outcome(
        d, actor=huli_operator, outcome="controlled", note="receiver's private note"
    )
    # through the API the sender gets status fields only
    body = api(epi).get(f"/api/tracing/dispatches/{d.pk}/").json()
    assert body["status"] == "controlled" and body["view"] == "sender"
    assert "outcome_note" not in body and "person" not in body and "handled_by" not in body
    assert api(epi).post(f"/api/tracing/dispatches/{d.pk}/acknowledge/").status_code == 404
    receiver = api(huli_operator).get(f"/api/tracing/dispatches/{d.pk}/").json()
    assert receiver["view"] == "receiver" and receiver["outcome_note"] == "receiver's private note"


def test_the_html_pages_show_the_sender_status_and_the_receiver_forms(
    contact, epi, huli_operator, client
):
    d = Dispatch.objects.get()
    client.force_login(epi)
    page = client.get(d.get_absolute_url()).content.decode()
    assert 'id="sender-view"' in page and 'id="outcome"' not in page
    assert client.post(f"/tracing/dispatches/{d.pk}/acknowledge/").status_code == 404
    listed = client.get("/tracing/dispatches/?direction=sent").content.decode()
    assert d.get_absolute_url() in listed
    client.force_login(huli_operator)
    page = client.get(d.get_absolute_url()).content.decode()
    assert 'id="outcome"' in page and 'id="acknowledge"' in page
    # a bad answer shows on the form with 400 and changes nothing
    bad = client.post(f"/tracing/dispatches/{d.pk}/outcome/", {"outcome": "not_resident"})
    assert bad.status_code == 400 and Dispatch.objects.get().status == "sent"
    ok = client.post(f"/tracing/dispatches/{d.pk}/outcome/", {"outcome": "controlled"})
    assert ok.status_code == 302 and Dispatch.objects.get().status == "controlled"


def test_overdue_dispatches_escalate_up_the_receivers_chain(contact):
    d = Dispatch.objects.get()
    do_escalate_overdue(now=d.due_at + datetime.timedelta(hours=1))
    task = Task.objects.for_source(d).get()
    assert task.escalated_to_id == "3502"  # 湖里区's parent, Xiamen


def test_out_of_province_dispatches_export_in_the_list_layout(investigation, neighbour, epi):
    contact = Contact.objects.create(
        investigation=investigation,
        jurisdiction=investigation.jurisdiction,
        person=neighbour,
        tier="close_contact",
        setting="transport",
        last_exposure_at=at(11, 20),
    )
    d = do_dispatch_person(
        neighbour,
        to_jurisdiction=None,
        to_region="110101",
        reason="同车",
        source=contact,
        actor=epi,
    )
    # the sender owns it (no receiving county here), due in 48 h
    assert (d.in_province, d.jurisdiction_id) == (False, contact.jurisdiction_id)
    assert (d.due_at - d.sent_at).total_seconds() == 48 * 3600
    with pytest.raises(ValidationError):
        do_record_dispatch_outcome(d, actor=epi, outcome="controlled")
    content = do_export_dispatches([d], actor=epi, reveal_reason="移交外省协查")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("No.", "full name", "sex", "identity number")
    assert rows[1][1] == "王某" and "*" not in rows[1][3]  # revealed, and the reveal is logged
    assert Dispatch.objects.get().status == "exported"
    assert events_for(neighbour).filter(kind="people.identity_revealed").count() == 1
    # exporting again is refused: it is no longer open
    with pytest.raises(ValidationError):
        do_export_dispatches([d], actor=epi)


def test_the_api_dispatches_a_contact_and_refuses_bad_input(
    investigation, neighbour, epi, api, tree
):
    contact = Contact.objects.create(
        investigation=investigation,
        jurisdiction=investigation.jurisdiction,
        person=neighbour,
        tier="close_contact",
        setting="transport",
        last_exposure_at=at(11, 20),
    )
    client = api(epi)
    missing = client.post("/api/tracing/dispatches/", {"reason": "x"}, format="json")
    assert missing.status_code == 400 and "person" in missing.json()
    own = client.post(
        "/api/tracing/dispatches/",
        {"contact": contact.pk, "to_jurisdiction": "350322", "reason": "x"},
        format="json",
    )
    assert own.status_code == 400 and "to_jurisdiction" in own.json()
    made = client.post(
        "/api/tracing/dispatches/",
        {"contact": contact.pk, "to_jurisdiction": "350206", "reason": "<script>x</script>"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["status"] == "sent"
    assert Dispatch.objects.count() == 1


def test_list_exports_never_carry_the_receivers_fields():
    from pingji.core.exports import export_columns

    names = {f.name for f in export_columns(Dispatch)}
    assert {"status", "due_at", "return_reason"} <= names
    assert not names & {"outcome_note", "handled_by"}
