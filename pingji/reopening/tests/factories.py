"""Factories for reopening rows; SCOPED_FACTORIES joins them to the shared permission suite."""

import datetime

import factory
from django.utils import timezone

from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.reopening.choices import Kind, OperatingState, Sector, Size, Status
from pingji.reopening.credit import check_character
from pingji.reopening.models import (
    Alert,
    Application,
    Establishment,
    Member,
    Plan,
    Problem,
    StatusChange,
    Survey,
    SurveyReturn,
    Target,
)

OPENED = timezone.make_aware(datetime.datetime(2021, 9, 14, 9, 0))


def credit_code(n: int) -> str:
    """A valid unified social credit code registered in 仙游县 (GB 32100-2015 check character)."""
    first = f"91350322MA{n:07d}"[:17]
    return first + check_character(first)


class EstablishmentFactory(factory.django.DjangoModelFactory[Establishment]):
    """A small shoe factory of 仙游县, working."""

    class Meta:
        model = Establishment

    kind = Kind.ENTERPRISE
    name = factory.Sequence(lambda n: f"鞋业有限公司{n}")
    credit_code: factory.Sequence | None = factory.Sequence(credit_code)  # a school has none
    sector = Sector.MANUFACTURING
    size: str = Size.SMALL  # nor a size class
    workforce = 120
    status = Status.OPEN


class SchoolFactory(EstablishmentFactory):
    kind = Kind.SCHOOL
    name = factory.Sequence(lambda n: f"枫亭第{n}小学")
    credit_code = None
    sector = Sector.EDUCATION
    size = ""
    workforce = 60
    grades = "1-6"
    pupils = 800


def _person(grid):
    return PersonFactory.create(household=HouseholdFactory.create(jurisdiction=grid))


def _survey(grid):
    return Survey.objects.create(
        title="摸排",
        jurisdiction=grid,
        opened_at=OPENED,
        due_at=OPENED + datetime.timedelta(days=2),
    )


SCOPED_FACTORIES = {
    Establishment: lambda grid: EstablishmentFactory.create(jurisdiction=grid),
    Member: lambda grid: Member.objects.create(
        establishment=EstablishmentFactory.create(jurisdiction=grid),
        person=_person(grid),
        role="staff",
    ),
    StatusChange: lambda grid: StatusChange.objects.create(
        establishment=EstablishmentFactory.create(jurisdiction=grid),
        previous=Status.OPEN,
        status=Status.CLOSED,
        at=OPENED,
        day=OPENED.date(),
    ),
    Survey: _survey,
    SurveyReturn: lambda grid: SurveyReturn.objects.create(
        survey=_survey(grid),
        establishment=EstablishmentFactory.create(jurisdiction=grid),
        state=OperatingState.CLOSED,
    ),
    Application: lambda grid: Application.objects.create(
        establishment=EstablishmentFactory.create(jurisdiction=grid, status=Status.APPLIED)
    ),
    Plan: lambda grid: Plan.objects.create(
        establishment=EstablishmentFactory.create(jurisdiction=grid), measures="专班驻企"
    ),
    Problem: lambda grid: Problem.objects.create(
        establishment=EstablishmentFactory.create(jurisdiction=grid),
        category="workers",
        department="hr",
        description="员工滞留",
    ),
    Alert: lambda grid: Alert.objects.create(
        establishment=EstablishmentFactory.create(jurisdiction=grid),
        case=CaseFactory.create(person=_person(grid)),
        role="staff",
    ),
    Target: lambda grid: Target.objects.create(
        jurisdiction=grid, kind=Kind.ENTERPRISE, percent=80, by=datetime.date(2021, 10, 15)
    ),
}
