"""From check-in logs to proposed contacts, and from proposals to contacts."""

import copy

import pytest
from django.core.exceptions import ValidationError

from pingji.core.choices import JobStatus
from pingji.core.crypto import lookup_hash
from pingji.core.models import Job
from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.actions.investigations import do_open_investigation, do_record_exposure
from pingji.tracing.actions.proposals import (
    do_accept_proposal,
    do_reject_proposal,
    do_search_checkins,
)
from pingji.tracing.checkins import import_checkins
from pingji.tracing.models import Contact, ProposedContact

from .conftest import GRID, at

pytestmark = pytest.mark.django_db

A_ID, B_PHONE, C_ID = "110101199001011237", "13800138000", "11010119900101123X"


@pytest.fixture(autouse=True)
def analytic_store(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    settings.JOBS_BACKEND = "sync"


@pytest.fixture
def venue(tree):
    return PlaceFactory(kind=PlaceKind.VENUE, name="荔城超市", jurisdiction=tree[GRID])


@pytest.fixture
def searched(case, epi, venue, tree, tmp_path, django_capture_on_commit_callbacks):
    """The case was at the supermarket 2021-09-11 10:00–11:00; three others checked in there.

    A (registered by identity number) stayed 10:30–12:00: 30 min overlap, close contact.
    B (registered by phone) stayed 10:55–11:30: 5 min, spatiotemporal companion.
    C (not registered) stayed 09:00–10:20: 20 min, close contact.
    D stayed the day before: no overlap.
    """
    grid = tree[GRID]
    PersonFactory(name="甲", id_number=A_ID, household=HouseholdFactory(jurisdiction=grid))
    PersonFactory(
        name="乙", id_number=None, phone=B_PHONE, household=HouseholdFactory(jurisdiction=grid)
    )
    log = tmp_path / "log.csv"
    log.write_text(
        "身份证号,手机号,场所码,签到时间,签离时间\n"
        f"{A_ID},,{venue.pk},2021-09-11 10:30,2021-09-11 12:00\n"
        f",{B_PHONE},{venue.pk},2021-09-11 10:55,2021-09-11 11:30\n"
        f"{C_ID},,{venue.pk},2021-09-11 09:00,2021-09-11 10:20\n"
        f"{C_ID},,{venue.pk},2021-09-10 10:00,2021-09-10 11:00\n",
        encoding="utf-8",
    )
    assert import_checkins(log, {str(venue.pk)}).ok
    inv = do_open_investigation(case, actor=epi)
    do_record_exposure(inv, actor=epi, place=venue, started_at=at(11, 10), ended_at=at(11, 11))
    do_record_exposure(
        inv, actor=epi, place_text="家中", started_at=at(11, 12), ended_at=at(11, 20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = do_search_checkins(inv, actor=epi)
    job.refresh_from_db()
    return inv, job


def by_person(inv):
    return {p.id_hash or p.phone_hash: p for p in ProposedContact.objects.filter(investigation=inv)}


def test_the_search_job_writes_proposals_with_their_evidence(searched, venue):
    inv, job = searched
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"visits": 1, "found": 3, "proposed": 3}
    found = by_person(inv)
    a, b, c = found[lookup_hash(A_ID)], found[lookup_hash(B_PHONE)], found[lookup_hash(C_ID)]
    assert (a.person.name, a.tier, a.overlap_minutes) == ("甲", "close_contact", 30.0)
    assert (a.overlap_start, a.overlap_end) == (at(11, 10, 30), at(11, 11))
    assert (b.person.name, b.tier, b.overlap_minutes) == ("乙", "spatiotemporal_companion", 5.0)
    assert (c.person, c.tier, c.overlap_minutes) == (None, "close_contact", 20.0)
    assert {p.venue_id for p in found.values()} == {venue.pk}
    assert {p.exposure.place_id for p in found.values()} == {venue.pk}
    assert {p.job_id for p in found.values()} == {job.pk}
    assert all(p.status == "proposed" for p in found.values())


def test_searching_again_does_not_propose_a_stay_twice(
    searched, epi, django_capture_on_commit_callbacks
):
    inv, _job = searched
    with django_capture_on_commit_callbacks(execute=True):
        again = do_search_checkins(inv, actor=epi)
    again.refresh_from_db()
    assert again.result["proposed"] == 0
    assert ProposedContact.objects.filter(investigation=inv).count() == 3


def test_a_search_without_venue_visits_is_refused(case, epi):
    inv = do_open_investigation(case, actor=epi)
    with pytest.raises(ValidationError) as exc:
        do_search_checkins(inv, actor=epi)
    assert "only places of kind venue" in exc.value.message_dict["exposures"][0]
    assert not Job.objects.exists()


def test_accepting_makes_a_contact_with_the_evidence(searched, epi):
    inv, _job = searched
    a = by_person(inv)[lookup_hash(A_ID)]
    contact = do_accept_proposal(a, actor=epi)
    assert (contact.person.name, contact.tier, contact.setting, contact.source) == (
        "甲",
        "close_contact",
        "venue",
        "checkin_search",
    )
    assert contact.last_exposure_at == at(11, 11) and contact.accepted_by == epi
    a.refresh_from_db()
    assert (a.status, a.contact, a.decided_by) == ("accepted", contact, epi)
    with pytest.raises(ValidationError) as exc:
        do_accept_proposal(a, actor=epi)
    assert exc.value.message_dict["status"] == ["This proposal is already accepted."]


def test_an_unregistered_person_is_accepted_only_once_identified(searched, epi, tree):
    inv, _job = searched
    c = by_person(inv)[lookup_hash(C_ID)]
    with pytest.raises(ValidationError) as exc:
        do_accept_proposal(c, actor=epi)
    assert exc.value.message_dict["person"][0].startswith("Nobody registered matches")
    c.refresh_from_db()
    assert c.status == "proposed" and not Contact.objects.exists()
    # once registered, the same proposal is matched by its hash and accepted
    PersonFactory(name="丙", id_number=C_ID, household=HouseholdFactory(jurisdiction=tree[GRID]))
    contact = do_accept_proposal(c, actor=epi)
    assert contact.person.name == "丙"


def test_rejecting_needs_and_keeps_a_reason(searched, epi):
    inv, _job = searched
    b = by_person(inv)[lookup_hash(B_PHONE)]
    with pytest.raises(ValidationError) as exc:
        do_reject_proposal(b, actor=epi, reason="  ")
    assert exc.value.message_dict["reason"] == ["Say why this person is not a contact."]
    do_reject_proposal(b, actor=epi, reason="cashier behind a screen")
    b.refresh_from_db()
    assert (b.status, b.reason, b.decided_by) == ("rejected", "cashier behind a screen", epi)
    assert not Contact.objects.exists()


def test_deciding_outside_the_area_is_refused(searched, huli_epi):
    from django.core.exceptions import PermissionDenied

    inv, _job = searched
    a = by_person(inv)[lookup_hash(A_ID)]
    with pytest.raises(PermissionDenied):
        do_accept_proposal(a, actor=huli_epi)
    a.refresh_from_db()
    assert a.status == "proposed" and not Contact.objects.exists()


def test_what_counts_as_close_follows_the_investigation_s_protocol(
    searched, epi, django_capture_on_commit_callbacks
):
    """A protocol whose companion rule asks 25 minutes in a cell reads C's 20-minute overlap as a
    companion, not a close contact; A's 30 minutes stay close."""
    inv, _job = searched
    protocol = inv.protocol
    rules = copy.deepcopy(protocol.rules)
    rules["contacts"]["spatiotemporal_companion"]["min_minutes_in_cell"] = 25
    type(protocol).objects.filter(pk=protocol.pk).update(rules=rules)
    ProposedContact.objects.filter(investigation=inv).delete()
    with django_capture_on_commit_callbacks(execute=True):
        do_search_checkins(inv, actor=epi)
    found = by_person(inv)
    assert found[lookup_hash(A_ID)].tier == "close_contact"
    assert found[lookup_hash(C_ID)].tier == "spatiotemporal_companion"
