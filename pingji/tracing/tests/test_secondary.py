"""Secondary contacts follow from a close contact: its household, and its venues' co-visitors."""

import pytest
from django.core.exceptions import ValidationError

from pingji.core.choices import JobStatus
from pingji.core.crypto import lookup_hash
from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.actions.contacts import do_add_contact
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.actions.secondary import do_derive_secondary_contacts
from pingji.tracing.checkins import import_checkins
from pingji.tracing.models import Contact, ProposedContact

from .conftest import GRID, at

pytestmark = pytest.mark.django_db
CLOSE_ID, OTHER_ID = "110101199001011237", "11010119900101123X"


@pytest.fixture(autouse=True)
def analytic_store(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    settings.JOBS_BACKEND = "sync"


@pytest.fixture
def close(case, epi, tree):
    """A close contact (last exposed 2021-09-11 20:00) living with two others."""
    home = HouseholdFactory(jurisdiction=tree[GRID])
    person = PersonFactory(name="密接", id_number=CLOSE_ID, household=home)
    PersonFactory(name="家属甲", household=home)
    PersonFactory(name="家属乙", household=home)
    inv = do_open_investigation(case, actor=epi)
    return do_add_contact(
        inv,
        actor=epi,
        person=person,
        tier="close_contact",
        setting="workplace",
        last_exposure_at=at(11, 20),
    )


def test_the_household_of_a_close_contact_becomes_secondary_once(close, epi):
    added, job = do_derive_secondary_contacts(close, actor=epi, at=at(12, 10), search=False)
    assert job is None
    assert sorted(c.person.name for c in added) == ["家属乙", "家属甲"]
    assert {(c.tier, c.setting, c.last_exposure_at) for c in added} == {
        ("secondary_contact", "household", at(12, 10))
    }
    again, _job = do_derive_secondary_contacts(close, actor=epi, search=False)
    assert again == [] and Contact.objects.filter(tier="secondary_contact").count() == 2


def test_only_a_close_contact_has_secondaries(close, epi):
    added, _job = do_derive_secondary_contacts(close, actor=epi, search=False)
    with pytest.raises(ValidationError) as exc:
        do_derive_secondary_contacts(added[0], actor=epi, search=False)
    assert exc.value.error_dict["tier"][0].code == "not_close"


def test_another_county_cannot_derive(close, huli_epi):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_derive_secondary_contacts(close, actor=huli_epi, search=False)
    assert not Contact.objects.filter(tier="secondary_contact").exists()


def test_the_close_contacts_venues_are_searched_for_secondary_proposals(
    close, epi, tree, tmp_path, django_capture_on_commit_callbacks
):
    venue = PlaceFactory(kind=PlaceKind.VENUE, name="茶馆", jurisdiction=tree[GRID])
    log = tmp_path / "log.csv"
    log.write_text(
        "身份证号,场所码,签到时间,签离时间\n"
        f"{CLOSE_ID},{venue.pk},2021-09-12 09:00,2021-09-12 10:00\n"  # after their exposure
        f"{OTHER_ID},{venue.pk},2021-09-12 09:30,2021-09-12 11:00\n"  # overlaps: secondary
        f"{OTHER_ID},{venue.pk},2021-09-10 09:30,2021-09-10 11:00\n",  # before: nothing
        encoding="utf-8",
    )
    assert import_checkins(log, {str(venue.pk)}).ok
    with django_capture_on_commit_callbacks(execute=True):
        _added, job = do_derive_secondary_contacts(close, actor=epi, at=at(13, 9))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"visits": 1, "found": 2, "proposed": 1}
    proposal = ProposedContact.objects.get()
    assert (proposal.id_hash, proposal.tier) == (lookup_hash(OTHER_ID), "secondary_contact")
    assert proposal.exposure is None and proposal.overlap_minutes == 30


def test_the_api_and_page_derive_secondaries(close, epi, api, client):
    body = api(epi).post(f"/api/tracing/contacts/{close.pk}/derive_secondary/").json()
    assert len(body["added"]) == 2
    client.force_login(epi)
    page = client.get(close.investigation.get_absolute_url()).content.decode()
    assert f"/tracing/contacts/{close.pk}/secondary/" in page
    assert client.post(f"/tracing/contacts/{close.pk}/secondary/").status_code == 302
