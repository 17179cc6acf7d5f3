"""The case picker (``GET /api/people/pick/cases/``): the cases of the caller's area, found by the
person's name or the case's number, namesakes told apart without an identity number or a phone,
and anything malformed refused with a 400."""

import datetime

import pytest

from pingji.cases.choices import Classification
from pingji.cases.tests.factories import CaseFactory
from pingji.people.identity import compose_id_number
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

from .conftest import GRID, HULI_GRID, at

pytestmark = pytest.mark.django_db
URL = "/api/people/pick/cases/"
OTHER_GRID = "350322100001002"


def pick(client, q, **params):
    return client.get(URL, {"q": q, **params})


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


def case_of(tree, name, grid, serial, **facts):
    person = PersonFactory(
        name=name,
        household=HouseholdFactory(jurisdiction=tree[grid]),
        id_number=compose_id_number(grid[:6], datetime.date(1985, 7, 14), serial),
        phone=f"139{serial:08d}",
    )
    return CaseFactory(person=person, **facts)


@pytest.fixture
def namesakes(tree):
    """Three cases of a 陈明: two of 仙游县 (one asymptomatic, in the other grid, a day later) and
    one of 湖里区."""
    return (
        case_of(tree, "陈明", GRID, 11),
        case_of(
            tree,
            "陈明",
            OTHER_GRID,
            13,
            classification=Classification.ASYMPTOMATIC,
            severity="",
            reported_at=at(13),
        ),
        case_of(tree, "陈明", HULI_GRID, 15),
    )


def test_a_county_user_finds_only_its_own_cases(api, epi, huli_epi, namesakes):
    assert ids(pick(api(epi), "陈")) == [namesakes[1].pk, namesakes[0].pk]  # latest first
    assert ids(pick(api(huli_epi), "陈明")) == [namesakes[2].pk]


def test_within_narrows_inside_the_area_and_never_widens_it(api, epi, namesakes):
    assert ids(pick(api(epi), "陈", within=OTHER_GRID)) == [namesakes[1].pk]
    assert ids(pick(api(epi), "陈", within="350206")) == []


def test_a_case_is_found_by_its_number_within_the_area_only(api, epi, namesakes):
    ours, theirs = namesakes[0], namesakes[2]
    assert ids(pick(api(epi), str(ours.pk))) == [ours.pk]
    assert ids(pick(api(epi), f"#{ours.pk}")) == [ours.pk]
    assert ids(pick(api(epi), str(theirs.pk))) == []


def test_namesakes_are_told_apart_by_number_classification_day_and_grid(api, epi, namesakes):
    labels = {r["id"]: r["label"] for r in pick(api(epi), "陈明").json()["results"]}
    first, second = labels[namesakes[0].pk], labels[namesakes[1].pk]
    assert first.startswith(f"Case {namesakes[0].pk} · 陈明 · ")
    assert "confirmed case" in first and "2021-09-12" in first and "东门一网格" in first
    assert "asymptomatic infection" in second and "2021-09-13" in second and "东门二网格" in second
    assert "鲤城街道" in first and "鲤城街道" in second


@pytest.mark.parametrize("role", [Role.EPIDEMIOLOGIST, Role.OPERATOR])
def test_labels_carry_no_identity_number_phone_or_birth_date(api, make_user, namesakes, role):
    body = pick(api(make_user(role, "350322")), "陈").content.decode()
    for case in namesakes[:2]:
        person = case.person
        assert person.id_number_masked not in body and person.phone_masked not in body
        assert (
            person.id_number_masked[:6] + "*" not in body and person.phone_masked[-4:] not in body
        )
    assert "1985" not in body


def test_a_voided_case_says_so(api, epi, tree):
    voided = case_of(tree, "林某", GRID, 21, voided_at=at(13), void_reason="duplicate")
    assert pick(api(epi), "林").json()["results"][0]["label"].endswith(" · voided")
    assert ids(pick(api(epi), "林")) == [voided.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "陈" * 51},
        {"q": "陈\x00"},
        {"q": "35032219850714011X"},
        {"q": "13912345678"},
        {"q": "陈", "within": "35' OR 1=1"},
    ],
)
def test_bad_queries_are_400_not_500(api, epi, namesakes, params):
    response = api(epi).get(URL, params)
    assert response.status_code == 400 and response.json()["detail"]


def test_a_long_run_of_digits_is_no_case_number(api, epi, namesakes):
    assert ids(pick(api(epi), "9" * 14)) == []


def test_no_login_no_cases(api, namesakes):
    assert pick(api(), "陈").status_code in (401, 403)
