"""Reopening test fixtures: an operator of 仙游县, a liaison, and stand-ins for the controls in
force (``areas.lookup.controls_at``)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from pingji.reopening import controls
from pingji.users.choices import Role

GRID = "350322100001001"
HULI_GRID = "350206001001001"


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    """A time in 2021, Beijing time (the Fujian outbreak)."""
    return timezone.make_aware(datetime.datetime(2021, month, day, hour, 0))


@dataclass
class StandIn:
    """The shape of ``areas.lookup.Control``, for tests of reopening alone."""

    area: str
    level: str
    order: int
    restricts_opening: bool


@pytest.fixture(autouse=True)
def areas_in_force(monkeypatch):
    """Controls in force, by jurisdiction code prefix; empty unless a test adds one."""
    active: dict[str, StandIn] = {}

    def lookup(*, place=None, jurisdiction_code=None, at):
        return [c for code, c in active.items() if (jurisdiction_code or "").startswith(code)]

    monkeypatch.setattr(controls, "_controls_at", lookup)
    return active


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def commander(make_user):
    return make_user(Role.COMMANDER, "3503")


@pytest.fixture
def huli(make_user):
    return make_user(Role.OPERATOR, "350206")


@pytest.fixture
def liaison(make_user):
    return make_user(Role.LIAISON, "350322", username="liaison-a")


@pytest.fixture
def grid(tree):
    return tree[GRID]


@pytest.fixture
def emergency_today(db):
    """A provincial copy of the 8th edition in force today, so pages (which act "now") ask the
    8th edition's checklists instead of the Class B end state's none."""
    from pingji.protocols.models import Protocol

    eighth = Protocol.objects.get(code="cn-8th-edition")
    return Protocol.objects.create(
        code="fj-test-emergency",
        name="福建（测试）",
        jurisdiction_code="35",
        effective_from=timezone.localdate() - datetime.timedelta(days=1),
        rules=eighth.rules,
        based_on=eighth,
    )
