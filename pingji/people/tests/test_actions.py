"""The people actions: registration, de-duplication, scope, updates and the audited reveal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.core.models import DomainEvent
from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.actions.households import (
    do_create_household,
    do_delete_household,
    do_update_household,
)
from pingji.people.actions.persons import (
    cannot_register_here,
    do_create_person,
    do_update_person,
    find_person_by_id_number,
)
from pingji.people.actions.reveal import do_reveal_identity
from pingji.people.identity import compose_id_number
from pingji.people.models import Household, Person
from pingji.people.tests.factories import PersonFactory
from pingji.users.choices import Role

from .conftest import GRID, OTHER_GRID

MAN = compose_id_number("350322", datetime.date(1980, 5, 17), 11)


def errors_of(caught) -> dict:
    return caught.value.message_dict


def test_a_person_takes_grid_sex_and_birth_date_from_household_and_number(household, county_user):
    person = do_create_person(
        actor=county_user,
        name=" 林一 ",
        id_number=MAN.lower(),
        phone="139 1234 5678",
        household=household,
    )
    assert (person.name, person.jurisdiction_id) == ("林一", GRID)
    assert (person.sex, person.birth_date) == ("M", datetime.date(1980, 5, 17))
    assert person.reveal() == {"id_number": MAN, "phone": "13912345678"}
    assert DomainEvent.objects.filter(kind="people.person_registered", object_id=str(person.pk))


def test_a_person_without_identity_data_lives_directly_in_a_grid(tree, county_user):
    person = do_create_person(actor=county_user, name="无证者", jurisdiction=tree[GRID], sex="F")
    assert person.id_number_hash is None and person.phone_hash == ""
    assert person.reveal() == {"id_number": "", "phone": ""}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"sex": "F"}, "sex"),
        ({"birth_date": datetime.date(1980, 5, 18)}, "birth_date"),
        ({"id_number": MAN[:-1] + "0"}, "id_number"),
        ({"phone": "1391234567"}, "phone"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_or_contradicting_input_names_the_field_and_saves_nothing(
    household, county_user, extra, field
):
    kwargs = {"name": "林一", "id_number": MAN, "household": household, **extra}
    with pytest.raises(ValidationError) as caught:
        do_create_person(actor=county_user, **kwargs)
    assert list(errors_of(caught)) == [field]
    assert not Person.objects.exists()
    assert not DomainEvent.objects.filter(kind="people.person_registered").exists()


def test_a_person_needs_a_household_or_a_grid(tree, county_user):
    with pytest.raises(ValidationError) as caught:
        do_create_person(actor=county_user, name="林一")
    assert "jurisdiction" in errors_of(caught)
    with pytest.raises(ValidationError, match="lives in a grid, not a county"):
        do_create_person(actor=county_user, name="林一", jurisdiction=tree["350322"])


def test_a_household_and_a_different_grid_contradict(household, tree, county_user):
    with pytest.raises(ValidationError) as caught:
        do_create_person(
            actor=county_user, name="林一", household=household, jurisdiction=tree[OTHER_GRID]
        )
    assert list(errors_of(caught)) == ["jurisdiction"]


def test_a_known_number_is_refused_naming_the_visible_holder(household, county_user):
    holder = PersonFactory(name="林一", id_number=MAN, household=household)
    with pytest.raises(ValidationError) as caught:
        do_create_person(actor=county_user, name="林二", id_number=MAN, household=household)
    message = errors_of(caught)["id_number"][0]
    assert "林一" in message and holder.id_number_masked in message
    assert list(Person.objects.values_list("name", flat=True)) == ["林一"]


def test_a_number_held_outside_the_actor_s_area_is_refused_without_saying_by_whom(
    household, huli_household, county_user
):
    PersonFactory(name="厦门人", id_number=MAN, household=huli_household)
    with pytest.raises(ValidationError) as caught:
        do_create_person(actor=county_user, name="林二", id_number=MAN, household=household)
    message = errors_of(caught)["id_number"][0]
    assert message == cannot_register_here() and "registered here" in message
    assert "already" not in message and "厦门人" not in message
    assert Person.objects.count() == 1
    # the attempt is recorded where the province sees it, without the number or its hash
    event = DomainEvent.objects.get(kind="people.registration_refused")
    assert (event.actor, event.jurisdiction_code) == (county_user, "35")
    assert MAN not in str(event.payload) + event.summary


def test_no_one_registers_a_person_in_another_county_s_household(huli_household, county_user):
    with pytest.raises(PermissionDenied):
        do_create_person(actor=county_user, name="林一", id_number=MAN, household=huli_household)
    assert not Person.objects.exists()


def test_moving_a_person_follows_the_new_household_and_cannot_leave_the_area(
    household, huli_household, tree, county_user
):
    person = PersonFactory(household=household)
    other = Household.objects.create(
        place=PlaceFactory(jurisdiction=tree[OTHER_GRID]),
        jurisdiction=tree[OTHER_GRID],
        address="2栋",
    )
    do_update_person(person, {"household": other}, actor=county_user)
    assert Person.objects.get(pk=person.pk).jurisdiction_id == OTHER_GRID
    with pytest.raises(PermissionDenied):
        do_update_person(person, {"household": huli_household}, actor=county_user)
    assert Person.objects.get(pk=person.pk).household == other


def test_a_new_number_re_derives_sex_and_birth_date_and_is_checked_for_duplicates(
    household, county_user
):
    person = PersonFactory(household=household, id_number=None, phone=None, sex="F")
    taken = PersonFactory(household=household)
    do_update_person(person, {"id_number": MAN, "phone": "13800000000"}, actor=county_user)
    person.refresh_from_db()
    assert (person.sex, person.birth_date, person.phone_masked) == (
        "M",
        datetime.date(1980, 5, 17),
        "138****0000",
    )
    with pytest.raises(ValidationError) as caught:
        do_update_person(person, {"id_number": taken.reveal()["id_number"]}, actor=county_user)
    assert "already registered" in errors_of(caught)["id_number"][0]
    person.refresh_from_db()
    assert person.reveal()["id_number"] == MAN


def test_sex_follows_a_held_number_and_blank_clears_identity_data(household, county_user):
    person = PersonFactory(household=household, id_number=MAN)
    with pytest.raises(ValidationError) as caught:
        do_update_person(person, {"sex": "F"}, actor=county_user)
    assert list(errors_of(caught)) == ["sex"]
    do_update_person(person, {"id_number": "", "phone": None}, actor=county_user)
    person.refresh_from_db()
    assert person.id_number_hash is None and person.id_number_masked == ""
    assert person.reveal() == {"id_number": "", "phone": ""}


def test_reveal_needs_the_permission_and_leaves_no_event_without_it(household, county_user):
    person = PersonFactory(household=household, id_number=MAN)
    with pytest.raises(PermissionDenied):
        do_reveal_identity(person, actor=county_user, reason="核对身份")
    assert not DomainEvent.objects.filter(kind="people.identity_revealed").exists()


def test_reveal_returns_plain_values_and_records_who_and_why(household, epidemiologist):
    person = PersonFactory(household=household, id_number=MAN, phone="13912345678")
    with pytest.raises(ValidationError) as caught:
        do_reveal_identity(person, actor=epidemiologist, reason="  ")
    assert list(errors_of(caught)) == ["reason"]
    values = do_reveal_identity(person, actor=epidemiologist, reason="流调电话核实")
    assert values == {"id_number": MAN, "phone": "13912345678"}
    event = DomainEvent.objects.get(kind="people.identity_revealed")
    assert (event.actor, event.object_id, event.jurisdiction_code) == (
        epidemiologist,
        str(person.pk),
        GRID,
    )
    assert event.payload == {"reason": "流调电话核实", "fields": ["id_number", "phone"]}
    assert MAN not in event.summary


def test_reveal_outside_the_area_is_refused_even_with_the_permission(huli_household, make_user):
    person = PersonFactory(household=huli_household, id_number=MAN)
    with pytest.raises(PermissionDenied):
        do_reveal_identity(person, actor=make_user(Role.EPIDEMIOLOGIST, "350322"), reason="x")


def test_find_by_number_goes_through_the_hash_within_the_user_s_area(
    household, huli_household, county_user, outsider
):
    person = PersonFactory(household=household, id_number=MAN)
    assert find_person_by_id_number(county_user, MAN.lower()) == person
    assert find_person_by_id_number(outsider, MAN) is None
    assert Person.objects.with_id_number(f" {MAN} ").get() == person
    assert not Person.objects.with_id_number(MAN[:-1]).exists()
    with pytest.raises(ValidationError) as caught:
        find_person_by_id_number(county_user, "12345")
    assert list(errors_of(caught)) == ["id_number"]


def test_a_household_lives_in_a_residential_place_of_the_actor_s_area(tree, county_user, compound):
    household = do_create_household(compound, " 3栋502 ", actor=county_user)
    assert (household.address, household.jurisdiction_id) == ("3栋502", GRID)
    venue = PlaceFactory(jurisdiction=tree[GRID], kind=PlaceKind.VENUE)
    with pytest.raises(ValidationError) as caught:
        do_create_household(venue, "1号", actor=county_user)
    assert list(errors_of(caught)) == ["place"]
    with pytest.raises(ValidationError) as caught:
        do_create_household(compound, "", actor=county_user)
    assert list(errors_of(caught)) == ["address"]
    with pytest.raises(PermissionDenied):
        do_create_household(
            PlaceFactory(jurisdiction=tree["350206001001001"]), "1号", actor=county_user
        )
    assert Household.objects.count() == 1


def test_moving_a_household_takes_its_members_and_an_inhabited_one_is_not_deleted(
    household, tree, county_user, make_user
):
    member = PersonFactory(household=household)
    elsewhere = PlaceFactory(jurisdiction=tree[OTHER_GRID])
    do_update_household(household, {"place": elsewhere}, actor=county_user)
    member.refresh_from_db()
    assert member.jurisdiction_id == household.jurisdiction_id == OTHER_GRID
    admin = make_user(Role.ADMINISTRATOR, "350322")
    with pytest.raises(ValidationError, match="still has members"):
        do_delete_household(household, actor=admin)
    assert Household.objects.filter(pk=household.pk).exists()


def test_a_concurrent_duplicate_loses_on_the_unique_hash_cleanly(
    household, county_user, monkeypatch
):
    # given a registration racing another: the pre-check saw nothing, but the number is now taken
    PersonFactory(id_number=MAN, household=household)
    monkeypatch.setattr(
        "pingji.people.actions.persons._refuse_duplicate", lambda *args, **kwargs: None
    )
    # when the second one saves, then the unique hash refuses it as a field error
    with pytest.raises(ValidationError) as caught:
        do_create_person(actor=county_user, name="林二", id_number=MAN, household=household)
    assert list(errors_of(caught)) == ["id_number"]
    assert Person.objects.count() == 1
    assert not DomainEvent.objects.filter(kind="people.person_registered").exists()
