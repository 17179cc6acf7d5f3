"""Field fixtures: a grid worker of 仙游县's first grid, two people at home there, one in 湖里区,
a door check and a task of the grid."""

import datetime

import pytest

from pingji.core import clock
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.tests.factories import PlacementFactory
from pingji.tasks.choices import TaskKind
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

GRID = "350322100001001"
HULI_GRID = "350206001001001"


def at_home(grid, name: str, address: str):
    today, now = clock.today(), clock.now()
    return PlacementFactory(
        person=PersonFactory(
            name=name, household=HouseholdFactory(jurisdiction=grid, address=address)
        ),
        setting="home",
        exposure_on=today - datetime.timedelta(days=15),
        planned_release_on=today - datetime.timedelta(days=1),
        planned_end_on=today + datetime.timedelta(days=6),
        placed_at=now - datetime.timedelta(days=14),
    )


@pytest.fixture
def worker(make_user):
    return make_user(Role.GRID_WORKER, GRID)


@pytest.fixture
def home(tree):
    return [at_home(tree[GRID], "陈某某", "东门路8号"), at_home(tree[GRID], "林某", "东门路9号")]


@pytest.fixture
def elsewhere(tree):
    return at_home(tree[HULI_GRID], "王某某", "湖里路1号")


@pytest.fixture
def door(tree):
    return TaskFactory(jurisdiction=tree[GRID], kind=TaskKind.DOOR_CHECK, title="入户排查 东门路")


@pytest.fixture
def chore(tree):
    return TaskFactory(jurisdiction=tree[GRID], kind=TaskKind.GENERAL, title="张贴通告")
