"""The people pages: search through the hash, masked details, the reveal form, the person form."""

import datetime

import pytest
from django.urls import reverse

from pingji.core.models import DomainEvent
from pingji.core.personal_data import age_of
from pingji.people.identity import compose_id_number
from pingji.people.models import Household, Person
from pingji.people.tests.factories import PersonFactory

from .conftest import GRID

NUMBER = compose_id_number("350322", datetime.date(1990, 3, 8), 202)
LIST = reverse("people:person_list")


@pytest.fixture
def resident(household):
    return PersonFactory(name="林芳", id_number=NUMBER, phone="13912345678", household=household)


def logged_in(client, user):
    client.force_login(user)
    return client


def names(response) -> list[str]:
    return [obj.name for obj in response.context["object_list"]]


def test_the_list_filters_by_name_grid_and_household_but_not_by_number(
    client, county_user, resident
):
    PersonFactory(name="邻居", household=resident.household)
    c = logged_in(client, county_user)
    assert sorted(names(c.get(LIST))) == ["林芳", "邻居"]
    # the old ?q= identity filter is gone: the parameter answers nothing (search is a POST)
    assert sorted(names(c.get(LIST, {"q": NUMBER}))) == ["林芳", "邻居"]
    assert names(c.get(LIST, {"name": "林"})) == ["林芳"]
    assert names(c.get(LIST, {"grid": GRID, "household": resident.household_id})) == [
        "林芳",
        "邻居",
    ]


def test_a_malformed_filter_says_why_and_lists_nobody(client, county_user, resident):
    response = logged_in(client, county_user).get(LIST, {"household": "abc"})
    assert response.status_code == 200 and names(response) == []
    assert "Enter a number" in response.content.decode()


def test_birth_dates_show_as_ages_without_the_reveal_permission(
    client, county_user, epidemiologist, resident
):
    born, age = resident.birth_date, age_of(resident.birth_date)
    for user, shown, heading in ((county_user, age, "age"), (epidemiologist, born, "birth date")):
        c = logged_in(client, user)
        listed = c.get(LIST).context
        cells = {str(col.heading): value for col, value in listed["table_rows"][0][1]}
        assert cells[heading] == shown
        for url in (resident.get_absolute_url(), resident.household.get_absolute_url()):
            page = c.get(url).content.decode()
            assert ("1990-03-08" in page) is (shown == born)


def test_the_list_shows_masked_values_and_nothing_plain(client, county_user, resident):
    page = logged_in(client, county_user).get(LIST).content.decode()
    assert resident.id_number_masked in page and resident.phone_masked in page
    assert NUMBER not in page and "13912345678" not in page


def test_the_detail_offers_reveal_only_to_holders_of_the_permission(
    client, county_user, epidemiologist, resident
):
    url = resident.get_absolute_url()
    reveal = reverse("people:person_reveal", args=[resident.pk])
    page = logged_in(client, county_user).get(url).content.decode()
    assert resident.id_number_masked in page and NUMBER not in page and reveal not in page
    page = logged_in(client, epidemiologist).get(url).content.decode()
    assert reveal in page and NUMBER not in page


def test_reveal_without_the_permission_is_403_and_leaves_no_event(client, county_user, resident):
    url = reverse("people:person_reveal", args=[resident.pk])
    response = logged_in(client, county_user).post(url, {"reason": "想看"})
    assert response.status_code == 403 and NUMBER.encode() not in response.content
    assert not DomainEvent.objects.filter(kind="people.identity_revealed").exists()


def test_reveal_outside_the_area_is_404(client, make_user, resident):
    huli = make_user("epidemiologist", "350206")
    url = reverse("people:person_reveal", args=[resident.pk])
    assert logged_in(client, huli).post(url, {"reason": "x"}).status_code == 404
    assert not DomainEvent.objects.filter(kind="people.identity_revealed").exists()


def test_reveal_shows_the_values_once_uncached_and_audited(client, epidemiologist, resident):
    c = logged_in(client, epidemiologist)
    url = reverse("people:person_reveal", args=[resident.pk])
    refused = c.post(url, {"reason": ""})
    assert refused.status_code == 400 and NUMBER.encode() not in refused.content
    assert not DomainEvent.objects.filter(kind="people.identity_revealed").exists()
    response = c.post(url, {"reason": "密接核实身份"})
    assert response.status_code == 200
    assert NUMBER in response.content.decode() and "13912345678" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = DomainEvent.objects.get(kind="people.identity_revealed")
    assert event.payload["reason"] == "密接核实身份" and event.actor == epidemiologist
    assert NUMBER.encode() not in c.get(resident.get_absolute_url()).content  # once only


def test_registering_through_the_form(client, county_user, household):
    response = logged_in(client, county_user).post(
        reverse("people:person_create") + f"?household={household.pk}",
        {
            "name": "新居民",
            "id_number": NUMBER,
            "phone": "+86 13912345678",
            "household": household.pk,
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert (person.sex, person.jurisdiction_id) == ("F", GRID)
    assert person.reveal() == {"id_number": NUMBER, "phone": "13912345678"}


@pytest.mark.parametrize(
    ("data", "field", "needle"),
    [
        ({"id_number": NUMBER[:-1] + "X"}, "id_number", "check character"),
        ({"phone": "12345"}, "phone", "11 digits"),
        ({"sex": "M"}, "sex", "identity number says"),
        ({"name": ""}, "name", "required"),
        ({"household": "999999"}, "household", "No such household"),
        ({"household": "", "jurisdiction": "350322"}, "jurisdiction", "No such grid"),
    ],
)
def test_bad_form_input_is_shown_on_its_field_and_saves_nothing(
    client, county_user, household, data, field, needle
):
    post = {"name": "新居民", "id_number": NUMBER, "household": household.pk, **data}
    response = logged_in(client, county_user).post(reverse("people:person_create"), post)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and needle in errors[field][0]
    assert not Person.objects.exists()


def test_a_duplicate_through_the_form_names_the_visible_holder(client, county_user, resident):
    response = logged_in(client, county_user).post(
        reverse("people:person_create"),
        {"name": "重复", "id_number": NUMBER, "household": resident.household_id},
    )
    assert response.status_code == 400
    assert resident.id_number_masked in response.context["form"].errors["id_number"][0]
    assert Person.objects.count() == 1


def test_a_refused_edit_answers_400_and_shows_what_is_stored(client, county_user, resident):
    other = PersonFactory(name="陈明", household=resident.household)
    stored_hash = other.id_number_hash
    response = logged_in(client, county_user).post(
        reverse("people:person_update", args=[other.pk]),
        {"name": "改名", "household": resident.household_id, "id_number": NUMBER},
    )
    assert response.status_code == 400
    assert resident.id_number_masked in response.context["form"].errors["id_number"][0]
    assert response.context["title"] == "Edit 陈明" and response.context["object"].name == "陈明"
    other.refresh_from_db()
    assert (other.name, other.id_number_hash) == ("陈明", stored_hash)


def test_editing_keeps_identity_data_left_blank(client, county_user, resident):
    url = reverse("people:person_update", args=[resident.pk])
    c = logged_in(client, county_user)
    form = c.get(url).context["form"]
    assert form.initial["name"] == "林芳" and form.initial["household"] == resident.household_id
    assert (
        form.fields["sex"].disabled
        and resident.id_number_masked in form.fields["id_number"].help_text
    )
    response = c.post(url, {"name": "林芳芳", "household": resident.household_id, "id_number": ""})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.name == "林芳芳" and resident.reveal()["id_number"] == NUMBER


def test_roles_without_the_permission_get_403_and_outsiders_404(
    client, make_user, outsider, resident
):
    commander = make_user("commander", "350322")
    assert logged_in(client, commander).get(reverse("people:person_create")).status_code == 403
    edit = reverse("people:person_update", args=[resident.pk])
    assert logged_in(client, outsider).get(edit).status_code == 404
    assert logged_in(client, outsider).get(resident.get_absolute_url()).status_code == 404


def test_household_pages_list_members_and_register_households(
    client, grid_worker, resident, compound
):
    c = logged_in(client, grid_worker)
    listing = c.get(reverse("people:household_list"))
    assert [h.member_count for h in listing.context["object_list"]] == [1]
    page = c.get(resident.household.get_absolute_url()).content.decode()
    assert "林芳" in page and resident.id_number_masked in page and NUMBER not in page
    response = c.post(reverse("people:household_create"), {"place": compound.pk, "address": "2栋"})
    created = Household.objects.get(address="2栋")
    assert response["Location"] == created.get_absolute_url() and created.jurisdiction_id == GRID
    refused = c.post(reverse("people:household_create"), {"place": compound.pk, "address": " "})
    assert refused.status_code == 400 and "address" in refused.context["form"].errors
    assert Household.objects.count() == 2


def test_the_edit_form_shows_the_birth_date_only_to_reveal_holders(
    client, county_user, epidemiologist, resident
):
    url = reverse("people:person_update", args=[resident.pk])
    hidden = logged_in(client, county_user).get(url)
    assert "1990-03-08" not in hidden.content.decode()
    assert hidden.context["form"].fields["birth_date"].disabled
    shown = logged_in(client, epidemiologist).get(url)
    assert "1990-03-08" in shown.content.decode()
    # saving the form without the hidden date keeps the stored one
    response = logged_in(client, county_user).post(
        url, {"name": "林芳", "household": resident.household_id}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.birth_date == datetime.date(1990, 3, 8)
