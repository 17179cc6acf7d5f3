"""The household and jurisdiction pickers (``GET /api/people/pick/<picker>/``): scoped to the
caller's area, narrowed by ``within`` and ``level`` and never widened, namesakes told apart by
the levels above them, and anything malformed refused with a 400."""

import pytest

from pingji.geo.choices import Level, PlaceKind
from pingji.geo.models import Jurisdiction
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory

from .conftest import GRID, HULI_GRID, OTHER_GRID

pytestmark = pytest.mark.django_db
URL = "/api/people/pick/{}/"


def pick(client, picker, q, **params):
    return client.get(URL.format(picker), {"q": q, **params})


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


@pytest.fixture
def doors(tree):
    """ "1栋101" in two compounds of 仙游县 (one in each grid) and in one of 湖里区."""
    return [
        HouseholdFactory(
            jurisdiction=tree[grid],
            place=PlaceFactory(jurisdiction=tree[grid], kind=PlaceKind.COMPOUND, name=name),
            address="1栋101",
        )
        for grid, name in ((GRID, "东门小区"), (OTHER_GRID, "紫霞小区"), (HULI_GRID, "海山小区"))
    ]


def test_households_are_found_by_address_in_the_area_only(api, county_user, outsider, doors):
    assert set(ids(pick(api(county_user), "households", "1栋"))) == {doors[0].pk, doors[1].pk}
    assert ids(pick(api(outsider), "households", "1栋101")) == [doors[2].pk]


def test_households_are_found_by_the_compounds_name(api, county_user, doors):
    assert ids(pick(api(county_user), "households", "紫霞")) == [doors[1].pk]
    assert ids(pick(api(county_user), "households", "海山")) == []


def test_two_equal_addresses_are_told_apart_by_compound_and_grid(api, county_user, doors):
    labels = [r["label"] for r in pick(api(county_user), "households", "1栋101").json()["results"]]
    assert len(set(labels)) == 2
    assert any("东门小区" in label and "东门一网格" in label for label in labels)
    assert any("紫霞小区" in label and "东门二网格" in label for label in labels)
    assert all("鲤城街道" in label for label in labels)


def test_households_within_narrow_and_never_widen(api, county_user, doors):
    assert ids(pick(api(county_user), "households", "1栋", within=OTHER_GRID)) == [doors[1].pk]
    assert ids(pick(api(county_user), "households", "1栋", within="350206")) == []
    assert pick(api(county_user), "households", "1栋", within="../35").status_code == 400


@pytest.mark.parametrize("q", ["", "1" * 60, "13812345678", "35032219850714011X", "门\x00"])
def test_households_refuse_bad_queries(api, county_user, doors, q):
    assert pick(api(county_user), "households", q).status_code == 400


@pytest.fixture
def namesake_grid(tree):
    """A second 东门一网格 of 仙游县, in 西门社区."""
    community = Jurisdiction.objects.create(
        code="350322100002", name="西门社区", level=Level.COMMUNITY, parent=tree["350322100"]
    )
    return Jurisdiction.objects.create(
        code="350322100002001", name="东门一网格", level=Level.GRID, parent=community
    )


def test_jurisdictions_are_those_of_the_area(api, county_user, outsider, tree):
    assert set(ids(pick(api(county_user), "jurisdictions", "网格"))) == {GRID, OTHER_GRID}
    assert ids(pick(api(outsider), "jurisdictions", "网格")) == [HULI_GRID]
    # an ancestor is not in the caller's area: a county user cannot pick the province
    assert ids(pick(api(county_user), "jurisdictions", "福建")) == []


def test_namesake_grids_are_told_apart_by_their_community(api, county_user, namesake_grid):
    found = pick(api(county_user), "jurisdictions", "东门一").json()["results"]
    labels = {r["id"]: r["label"] for r in found}
    assert set(labels) == {GRID, namesake_grid.code}
    assert "东门社区" in labels[GRID] and "西门社区" in labels[namesake_grid.code]
    assert all("鲤城街道" in label and "仙游县" in label for label in labels.values())


def test_higher_levels_come_first_and_a_code_prefix_finds_a_node(api, county_user, tree):
    found = ids(pick(api(county_user), "jurisdictions", "350322"))
    assert found[0] == "350322" and set(found) == {c for c in tree if c.startswith("350322")}
    assert ids(pick(api(county_user), "jurisdictions", "3503221000010")) == [GRID, OTHER_GRID]


def test_level_and_within_narrow_the_jurisdictions(api, county_user, tree):
    grids = ids(pick(api(county_user), "jurisdictions", "东门", level="grid"))
    assert grids == [GRID, OTHER_GRID]
    above = ids(pick(api(county_user), "jurisdictions", "东门", level="community,township"))
    assert above == ["350322100001"]
    assert ids(pick(api(county_user), "jurisdictions", "网格", within=OTHER_GRID)) == [OTHER_GRID]
    assert ids(pick(api(county_user), "jurisdictions", "网格", within="350206")) == []


@pytest.mark.parametrize(
    "params",
    [{"level": "palace"}, {"level": "grid,'; DROP"}, {"within": "35x"}, {"within": "1" * 16}],
)
def test_jurisdictions_refuse_bad_narrowings(api, county_user, tree, params):
    response = pick(api(county_user), "jurisdictions", "网格", **params)
    assert response.status_code == 400 and response.json()["detail"]


def test_no_login_no_jurisdictions(api, tree):
    assert pick(api(), "jurisdictions", "网格").status_code in (401, 403)
