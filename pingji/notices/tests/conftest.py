"""Notices fixtures: the decisions that issue notices, taken through the domains' own actions.

A sealed compound of 仙游县 with its households, a person placed at a hotel and released home,
an establishment approved to resume: each built the way a user builds it, so the notices come
from the real events in the real transactions (decision 0043 point 2).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from pingji.areas import evaluation
from pingji.areas.actions import publishing, transitions
from pingji.core import clock
from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

GRID = "350322100001001"
GRID_2 = "350322100001002"
HULI_GRID = "350206001001001"


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    """A time in 2021, Beijing time."""
    return timezone.make_aware(datetime.datetime(2021, month, day, hour, 0))


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350322")


@pytest.fixture
def commander(make_user):
    return make_user(Role.COMMANDER, "350322")


@pytest.fixture
def city_commander(make_user):
    return make_user(Role.COMMANDER, "3503")


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def huli_operator(make_user):
    return make_user(Role.OPERATOR, "350206")


@pytest.fixture
def grid_worker(make_user):
    return make_user(Role.GRID_WORKER, GRID)


@pytest.fixture
def other_grid_worker(make_user):
    return make_user(Role.GRID_WORKER, GRID_2)


@pytest.fixture
def compound(tree):
    return PlaceFactory(jurisdiction=tree[GRID], kind=PlaceKind.COMPOUND, name="东门花园")


@pytest.fixture
def households(tree, compound):
    """Three households of 东门花园: two in its building 1 (东门一网格), one in the compound
    itself but registered in 东门二网格; each with two residents with identity numbers."""
    building = PlaceFactory(
        jurisdiction=tree[GRID], kind=PlaceKind.BUILDING, name="1号楼", parent=compound
    )
    rows = [
        HouseholdFactory(jurisdiction=tree[GRID], place=building, address="东门花园1号楼101"),
        HouseholdFactory(jurisdiction=tree[GRID], place=building, address="东门花园1号楼102"),
        HouseholdFactory(jurisdiction=tree[GRID_2], place=compound, address="东门花园门卫室"),
    ]
    for h in rows:
        PersonFactory.create_batch(2, household=h)
    return rows


@dataclass
class Screen:
    target: int
    tested: int
    positive: int
    complete: bool
    rounds: int


@pytest.fixture
def evidence(monkeypatch):
    """Every resident screened negative and every contact released: lifting is within the
    criteria (the evidence functions are testing's and quarantine's, not what is tested here)."""
    monkeypatch.setattr(
        evaluation,
        "_evidence_functions",
        lambda: (
            lambda asks: [Screen(100, 100, 0, True, 1) for _ask in asks],
            lambda ids, on: set(),
        ),
    )


def designate(epi, commander, tree, places, level="sealed", when=None):
    """Designate, approve and publish an area: the path of a real designation."""
    when = when or at(9, 14, 10)
    with clock.pinned(when + datetime.timedelta(hours=3)):  # recorded as it happened
        return _designate(epi, commander, tree, places, level, when)


def _designate(epi, commander, tree, places, level, when):
    area = transitions.do_designate_area(
        actor=epi,
        jurisdiction=tree["350322"],
        name="东门花园封控区",
        level=level,
        legal_basis="仙防控指〔2021〕3号",
        decided_at=when,
        places=places,
    )
    transitions.do_approve_transition(area.transitions.get(), actor=commander)
    publishing.do_publish(tree["350322"], actor=commander, at=when + datetime.timedelta(hours=2))
    area.refresh_from_db()
    return area


def change_level(area, epi, commander, tree, to_level: str, when):
    """Propose, approve and publish a step-down or a lifting (within the criteria)."""
    with clock.pinned(when + datetime.timedelta(hours=2)):
        return _change_level(area, epi, commander, tree, to_level, when)


def _change_level(area, epi, commander, tree, to_level: str, when):
    t = transitions.do_propose_transition(area, actor=epi, to_level=to_level, effective_at=when)
    transitions.do_approve_transition(t, actor=commander)
    publishing.do_publish(tree["350322"], actor=commander, at=when + datetime.timedelta(hours=1))
    area.refresh_from_db()
    return t


@pytest.fixture
def sealed(epi, commander, tree, compound, households):
    return designate(epi, commander, tree, [compound])
