"""The picker endpoint (``GET /api/people/pick/<picker>/``): scoped, namesakes told apart, names
only — identity numbers and phones are refused and sent to the blind search (decision 0031)."""

import datetime

import pytest

from pingji.people.identity import compose_id_number
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

from .conftest import GRID, HULI_GRID, OTHER_GRID

pytestmark = pytest.mark.django_db
URL = "/api/people/pick/{}/"


def pick(client, q, picker="persons", **params):
    return client.get(URL.format(picker), {"q": q, **params})


def person(tree, name, grid=GRID, born=datetime.date(1985, 7, 14), serial=11):
    return PersonFactory(
        name=name,
        household=HouseholdFactory(jurisdiction=tree[grid]),
        id_number=compose_id_number(grid[:6], born, serial),
    )


@pytest.fixture
def namesakes(tree):
    """Two 陈明 of 仙游县, in two grids and born years apart, and one of 湖里区."""
    return (
        person(tree, "陈明", GRID, datetime.date(1985, 7, 14), 11),
        person(tree, "陈明", OTHER_GRID, datetime.date(1962, 3, 2), 13),
        person(tree, "陈明", HULI_GRID, datetime.date(1990, 1, 1), 15),
    )


def test_a_county_user_finds_only_its_own_residents(api, county_user, outsider, namesakes):
    xianyou = pick(api(county_user), "陈")
    assert xianyou.status_code == 200
    assert {r["id"] for r in xianyou.json()["results"]} == {namesakes[0].pk, namesakes[1].pk}
    huli = pick(api(outsider), "陈明")
    assert [r["id"] for r in huli.json()["results"]] == [namesakes[2].pk]


def test_within_narrows_inside_the_area_and_never_widens_it(api, county_user, namesakes):
    grid = pick(api(county_user), "陈", within=GRID).json()["results"]
    assert [r["id"] for r in grid] == [namesakes[0].pk]
    # another county's code answers nothing, not that county's residents
    assert pick(api(county_user), "陈", within="350206").json()["results"] == []
    assert pick(api(county_user), "陈", within="35' OR 1=1").status_code == 400


def test_namesakes_are_told_apart_by_age_grid_and_township(api, county_user, namesakes):
    labels = [r["label"] for r in pick(api(county_user), "陈明").json()["results"]]
    assert len(labels) == 2 and labels[0] != labels[1]
    assert any("东门一网格" in label for label in labels)
    assert any("东门二网格" in label for label in labels)
    assert all("鲤城街道" in label for label in labels)
    # an operator may not see birth dates: the age, never the year or the date (decision 0031)
    assert not any("1985" in label or "1962" in label for label in labels)
    assert any(" y" in label for label in labels)


def test_a_role_that_may_see_birth_dates_reads_the_birth_year(api, epidemiologist, namesakes):
    labels = [r["label"] for r in pick(api(epidemiologist), "陈明").json()["results"]]
    assert {"born 1985", "born 1962"} <= {part for label in labels for part in label.split(" · ")}


def test_labels_carry_no_identity_number_or_phone(api, epidemiologist, namesakes):
    body = pick(api(epidemiologist), "陈").content.decode()
    for p in namesakes[:2]:
        assert p.id_number_masked not in body and p.phone_masked not in body
        assert p.id_number_masked[:6] + "*" not in body


@pytest.mark.parametrize(
    "q",
    [
        "35032219850714011X",
        compose_id_number("350322", datetime.date(1985, 7, 14), 11),
        "350322850714011",  # the old 15-digit number
        "350322 19850714 0113",
        "13812345678",
        "138-1234-5678",
        "+8613812345678",
        "１３８１２３４５６７８",  # full-width digits from a Chinese input method
    ],
)
def test_identifier_shaped_queries_are_refused_and_pointed_to_the_search(api, county_user, q):
    response = pick(api(county_user), q)
    assert response.status_code == 400
    body = response.json()
    assert "identity search" in body["detail"]
    assert body["search"] == {
        "page": "/people/search/",
        "api": "/api/people/persons/search/",
        "method": "POST",
    }


@pytest.mark.parametrize(
    ("q", "why"),
    [
        ("", "at least 1"),
        ("   ", "at least 1"),
        ("陈" * 51, "at most 50"),
        ("x" * 100_000, "at most 50"),
        ("陈\x00", "no name has"),
        ("陈\u202e", "no name has"),
    ],
)
def test_empty_huge_or_hostile_queries_are_400_not_500(api, county_user, namesakes, q, why):
    response = pick(api(county_user), q)
    assert response.status_code == 400
    assert why in response.json()["detail"]


def test_a_missing_query_is_400(api, county_user):
    response = api(county_user).get(URL.format("persons"))
    assert response.status_code == 400


def test_like_wildcards_match_themselves_not_everything(api, county_user, namesakes):
    for q in ("%", "_", "\\"):
        response = pick(api(county_user), q)
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_at_most_twenty_rows_and_a_hint_that_more_match(api, county_user, tree):
    for n in range(23):
        person(tree, f"林{n:02d}", serial=100 + n)
    body = pick(api(county_user), "林").json()
    assert len(body["results"]) == 20 and body["more"] is True
    assert pick(api(county_user), "林2").json()["more"] is False


def test_no_login_no_answer_and_an_unknown_picker_is_404(api, county_user):
    assert pick(api(), "陈").status_code in (401, 403)
    assert pick(api(county_user), "陈", picker="users").status_code == 404


def test_places_are_found_by_part_of_the_name_within_the_area(api, county_user, compound, tree):
    from pingji.geo.tests.factories import PlaceFactory

    PlaceFactory(jurisdiction=tree[HULI_GRID], kind="venue", name="东门菜市场")
    venue = PlaceFactory(jurisdiction=tree[GRID], kind="venue", name="东门菜市场")
    body = pick(api(county_user), "菜市", picker="places").json()
    assert [r["id"] for r in body["results"]] == [venue.pk]
    assert "东门一网格" in body["results"][0]["label"]
    only_compounds = pick(api(county_user), "东门", picker="places", kind="compound").json()
    assert [r["id"] for r in only_compounds["results"]] == [compound.pk]
    assert pick(api(county_user), "东门", picker="places", kind="palace").status_code == 400
