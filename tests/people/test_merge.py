"""The merge tool: a duplicate record's cases, contacts and events move to the kept one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.cases.tests.factories import CaseFactory
from pingji.core.events import events_for
from pingji.people.actions.merge import do_merge_persons
from pingji.people.models import Person
from pingji.people.tests.factories import HouseholdFactory, PersonFactory, id_number_for
from pingji.tracing.models import Contact
from pingji.tracing.tests.factories import ContactFactory, InvestigationFactory
from pingji.users.choices import Role

pytestmark = pytest.mark.django_db
GRID = "350322100001001"


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350322")


@pytest.fixture
def grid(tree):
    return tree[GRID]


def investigation_in(grid):
    person = PersonFactory(household=HouseholdFactory(jurisdiction=grid))
    return InvestigationFactory(case=CaseFactory(person=person))


def test_a_contact_known_by_phone_merges_into_the_carded_record(grid, epi):
    keep = PersonFactory(
        name="林某", id_number=None, phone="13900000001", household=None, jurisdiction=grid
    )
    carded = PersonFactory(
        name="林某",
        id_number=id_number_for(7),
        phone=None,
        household=HouseholdFactory(jurisdiction=grid),
    )
    contact = ContactFactory(investigation=investigation_in(grid), person=keep)
    case = CaseFactory(person=carded)
    moved = do_merge_persons(keep, carded, actor=epi)
    keep.refresh_from_db()
    assert not Person.objects.filter(pk=carded.pk).exists()
    assert moved["cases.Case"] == 1
    case.refresh_from_db()
    contact.refresh_from_db()
    assert case.person_id == keep.pk == contact.person_id
    # the kept record takes the identity number and household it lacked
    assert keep.id_number_masked and keep.household_id is not None and keep.phone_masked
    assert Person.objects.with_id_number(id_number_for(7)).get() == keep
    merged = events_for(keep).get(kind="people.persons_merged")
    assert merged.payload["duplicate"] == carded.pk and "id_number" in merged.payload["completed"]


def test_two_identity_numbers_are_two_people(grid, epi):
    a = PersonFactory(id_number=id_number_for(1), household=HouseholdFactory(jurisdiction=grid))
    b = PersonFactory(id_number=id_number_for(2), household=HouseholdFactory(jurisdiction=grid))
    CaseFactory(person=b)
    with pytest.raises(ValidationError) as exc:
        do_merge_persons(a, b, actor=epi)
    assert exc.value.error_dict["duplicate"][0].code == "different_identity"
    assert Person.objects.filter(pk=b.pk).exists() and b.cases.count() == 1


def test_a_conflict_is_refused_and_nothing_moves(grid, epi):
    a = PersonFactory(id_number=None, household=HouseholdFactory(jurisdiction=grid))
    b = PersonFactory(id_number=None, household=HouseholdFactory(jurisdiction=grid))
    inv = investigation_in(grid)
    ContactFactory(investigation=inv, person=a)
    ContactFactory(investigation=inv, person=b)  # both contacts of the same investigation
    CaseFactory(person=b)
    with pytest.raises(ValidationError) as exc:
        do_merge_persons(a, b, actor=epi)
    assert exc.value.error_dict["duplicate"][0].code == "conflict"
    assert Person.objects.filter(pk=b.pk).exists()
    assert b.cases.count() == 1 and Contact.objects.filter(person=b).count() == 1


def test_outside_the_area_or_the_same_record_is_refused(grid, epi, make_user):
    a = PersonFactory(id_number=None, household=HouseholdFactory(jurisdiction=grid))
    b = PersonFactory(id_number=None, household=HouseholdFactory(jurisdiction=grid))
    with pytest.raises(ValidationError):
        do_merge_persons(a, a, actor=epi)
    with pytest.raises(PermissionDenied):
        do_merge_persons(a, b, actor=make_user(Role.EPIDEMIOLOGIST, "350206"))
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_the_merge_page_and_api(grid, epi, client, api):
    a = PersonFactory(name="陈某", id_number=None, household=HouseholdFactory(jurisdiction=grid))
    b = PersonFactory(name="陈某", id_number=None, household=HouseholdFactory(jurisdiction=grid))
    c = PersonFactory(name="陈某", id_number=None, household=HouseholdFactory(jurisdiction=grid))
    client.force_login(epi)
    page = client.get(f"/people/persons/{a.pk}/merge/").content.decode()
    # the likely duplicates are offered before anything is typed, the kept record is not
    assert f'class="picker-suggestion secondary" data-key="{b.pk}"' in page
    assert f'data-key="{a.pk}"' not in page
    assert client.post(f"/people/persons/{a.pk}/merge/", {"duplicate": "x"}).status_code == 400
    assert client.post(f"/people/persons/{a.pk}/merge/", {"duplicate": b.pk}).status_code == 302
    assert not Person.objects.filter(pk=b.pk).exists()
    body = api(epi).post(f"/api/people/persons/{a.pk}/merge/", {"duplicate": c.pk}).json()
    assert body["id"] == a.pk and not Person.objects.filter(pk=c.pk).exists()
    assert (
        api(epi).post(f"/api/people/persons/{a.pk}/merge/", {"duplicate": 999999}).status_code
        == 400
    )
