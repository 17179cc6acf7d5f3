"""Case test fixtures: an epidemiologist of 仙游县, one of 湖里区, and a resident of each."""

import datetime

import pytest
from django.utils import timezone

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

GRID = "350322100001001"
HULI_GRID = "350206001001001"


def at(day: int, hour: int = 9) -> datetime.datetime:
    """A time in September 2021, Beijing time (the Fujian outbreak)."""
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour, 0))


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
def huli_resident(tree):
    return PersonFactory(name="陈某", household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))


@pytest.fixture
def confirmed_facts():
    """A mild confirmed case found in community screening."""
    return {
        "classification": "confirmed",
        "severity": "mild",
        "onset_date": datetime.date(2021, 9, 10),
        "sampled_at": at(11, 8),
        "reported_at": at(12),
        "channel": "community_screening",
    }


@pytest.fixture
def asymptomatic_facts():
    """An asymptomatic infection found in centralised quarantine."""
    return {
        "classification": "asymptomatic",
        "sampled_at": at(11, 8),
        "reported_at": at(12),
        "channel": "centralised_quarantine",
    }
