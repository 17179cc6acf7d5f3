"""Quarantine fixtures: an operator, site manager and grid worker of 仙游县, a hotel, a contact."""

import datetime

import pytest
from django.utils import timezone

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.actions import monitoring, release
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_create_site
from pingji.users.choices import Role

GRID = "350322100001001"
HULI_GRID = "350206001001001"


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    """A time in 2021 (or 2022), Beijing time."""
    year = 2022 if month < 9 else 2021
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def sep(day: int, hour: int = 9) -> datetime.datetime:
    return at(9, day, hour) if day <= 30 else at(10, day - 30, hour)


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def huli_operator(make_user):
    return make_user(Role.OPERATOR, "350206")


@pytest.fixture
def manager(make_user):
    return make_user(Role.SITE_MANAGER, "350322")


@pytest.fixture
def grid_worker(make_user):
    return make_user(Role.GRID_WORKER, GRID)


@pytest.fixture
def resident(tree):
    return PersonFactory(name="林某", household=HouseholdFactory(jurisdiction=tree[GRID]))


@pytest.fixture
def neighbour(tree):
    return PersonFactory(name="王某", household=HouseholdFactory(jurisdiction=tree[GRID]))


@pytest.fixture
def hotel(tree, operator):
    return do_create_site(
        actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )


@pytest.fixture
def placed(resident, hotel, operator):
    """林某, exposed 2021-09-10, placed at the hotel on 09-12 20:00 under the 8th edition."""
    return do_place_person(
        actor=operator,
        person=resident,
        exposure_at=sep(10, 15),
        site=hotel,
        placed_at=sep(12, 20),
    )


def negative_all(placement, actor):
    """Every pending site test of the placement recorded negative, sampled on its day."""
    for test in placement.tests.filter(status="pending", setting="centralised"):
        monitoring.do_record_result(
            actor=actor,
            test=test,
            result="negative",
            sampled_at=sep(test.due_on.day, 8),
            at=sep(test.due_on.day, 18),
        )


@pytest.fixture
def at_home(placed, operator):
    """林某, released from the hotel on 09-24 to 东门一网格: home monitoring until 10-01."""
    negative_all(placed, operator)
    release.do_release_placement(placed, actor=operator, at=sep(24, 20))
    placed.refresh_from_db()
    return placed


def contact_of(person, **kwargs):
    """A tracing contact of ``person``, found by the investigation of a case in the same grid."""
    from pingji.cases.tests.factories import CaseFactory
    from pingji.tracing.tests.factories import ContactFactory, InvestigationFactory

    index = PersonFactory(household=HouseholdFactory(jurisdiction=person.jurisdiction))
    investigation = InvestigationFactory(case=CaseFactory(person=index))
    return ContactFactory(investigation=investigation, person=person, **kwargs)
