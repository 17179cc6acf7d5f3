"""People test fixtures: a compound and a household in 仙游县's first grid, one in 湖里区."""

import pytest

from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory
from pingji.users.choices import Role

GRID = "350322100001001"
OTHER_GRID = "350322100001002"
HULI_GRID = "350206001001001"


@pytest.fixture
def compound(tree):
    return PlaceFactory(jurisdiction=tree[GRID], kind=PlaceKind.COMPOUND, name="东门小区")


@pytest.fixture
def household(compound):
    return HouseholdFactory(jurisdiction=compound.jurisdiction, place=compound, address="1栋101")


@pytest.fixture
def huli_household(tree):
    return HouseholdFactory(jurisdiction=tree[HULI_GRID], address="海山路1号")


@pytest.fixture
def epidemiologist(make_user):
    """May register, edit and reveal in 仙游县."""
    return make_user(Role.EPIDEMIOLOGIST, "350322")


@pytest.fixture
def grid_worker(make_user):
    """May register and edit people in the grid, but not reveal identity data."""
    return make_user(Role.GRID_WORKER, GRID)
