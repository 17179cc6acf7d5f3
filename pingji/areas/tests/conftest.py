"""Area test fixtures: 仙游县's staff, a compound with a building, stand-ins for the screening and
quarantine evidence."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from pingji.areas import evaluation
from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.users.choices import Role

GRID = "350322100001001"


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
def compound(tree):
    return PlaceFactory(jurisdiction=tree[GRID], kind=PlaceKind.COMPOUND, name="东门花园")


@pytest.fixture
def building(compound):
    return PlaceFactory(
        jurisdiction=compound.jurisdiction, kind=PlaceKind.BUILDING, name="1号楼", parent=compound
    )


@dataclass
class Screen:
    target: int
    tested: int
    positive: int
    complete: bool
    rounds: int


@pytest.fixture
def evidence(monkeypatch):
    """Stand-ins the test sets for ``testing.evidence.resident_screens`` (``evidence.screen``) and
    ``quarantine.evidence.unreleased_contacts`` (``evidence.unreleased``)."""

    class Evidence:
        screen = Screen(100, 100, 0, True, 1)
        unreleased: set[int] = set()
        screen_calls: list = []

        def resident_screens(self, asks):
            self.screen_calls.extend(asks)
            return [self.screen for _ask in asks]

        def unreleased_contacts(self, ids, on):
            return {i for i in ids if i in self.unreleased}

    stub = Evidence()
    stub.screen_calls = []
    monkeypatch.setattr(
        evaluation,
        "_evidence_functions",
        lambda: (stub.resident_screens, stub.unreleased_contacts),
    )
    return stub
