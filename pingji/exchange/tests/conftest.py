"""Exchange fixtures: the cases' epidemiologists and residents, and a case reported through the
real action (so its card and filing task come from the handler, as in production)."""

import datetime

import pytest
from django.utils import timezone

from pingji.cases.actions.reports import do_report_case
from pingji.cases.tests import conftest as cases_fixtures
from pingji.cases.tests.conftest import GRID, HULI_GRID, at  # noqa: F401 — for the tests
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

epi = cases_fixtures.epi
huli_epi = cases_fixtures.huli_epi
resident = cases_fixtures.resident
huli_resident = cases_fixtures.huli_resident
confirmed_facts = cases_fixtures.confirmed_facts
asymptomatic_facts = cases_fixtures.asymptomatic_facts


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def case(epi, resident, confirmed_facts):
    return do_report_case(actor=epi, person=resident, **confirmed_facts)


@pytest.fixture
def huli_case(huli_epi, huli_resident, confirmed_facts):
    return do_report_case(actor=huli_epi, person=huli_resident, **confirmed_facts)


@pytest.fixture
def make_person(tree):
    def make(name: str = "王某", grid: str = GRID, **extra):
        home = HouseholdFactory(jurisdiction=tree[grid])
        return PersonFactory(name=name, household=home, **extra)

    return make
