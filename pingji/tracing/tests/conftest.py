"""Tracing fixtures: epidemiologists of 仙游县 and 湖里区, a case of 仙游县 (8th edition era)."""

import datetime

import pytest
from django.utils import timezone

from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

GRID = "350322100001001"


def at(day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A time in September 2021, Beijing time (the Fujian outbreak)."""
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour, minute))


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350322")


@pytest.fixture
def huli_epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350206")


@pytest.fixture
def resident(tree):
    return PersonFactory(name="林某", household=HouseholdFactory(jurisdiction=tree[GRID]))


@pytest.fixture
def case(resident):
    """Confirmed, onset 2021-09-10, sampled 09-11 08:00, reported 2021-09-12 09:00."""
    return CaseFactory(person=resident)


@pytest.fixture
def neighbour(tree):
    return PersonFactory(name="王某", household=HouseholdFactory(jurisdiction=tree[GRID]))
