"""A small county on the demo's day: people in two grids, a school, a case, a placement, a
sealed compound and two society-wide measures, all recorded before the state day's end."""

import datetime

import pytest
from django.utils import timezone

from pingji.areas.tests.factories import MeasureFactory, RiskAreaFactory
from pingji.cases.tests.factories import CaseFactory
from pingji.core import clock
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.models import Household, Person
from pingji.quarantine.tests.factories import PlacementFactory
from pingji.reopening.models import Member
from pingji.reopening.tests.factories import EstablishmentFactory

COUNTY = "350322"
GRIDS = ("350322100001001", "350322100001002")
DAY = datetime.date(2021, 9, 19)
BEFORE = timezone.make_aware(datetime.datetime(2021, 9, 1, 9))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture(autouse=True)
def demo_day(settings):
    settings.SCENARIO_WORKERS = 1
    settings.JOBS_BACKEND = "sync"
    clock.set_now(at(datetime.date(2021, 9, 20), 8))


def person(grid, household, n, created=BEFORE):
    return Person.objects.create(
        name=f"居民{n}",
        birth_date=datetime.date(1960 + n % 50, 1, 1),
        household=household,
        jurisdiction=grid,
        created_at=created,
    )


@pytest.fixture
def town(tree):
    """60 people in 20 households; a sealed compound in the first grid; a school of 10 pupils."""
    people, compounds = [], []
    for g, code in enumerate(GRIDS):
        compound = PlaceFactory(jurisdiction=tree[code], name=f"小区{g}")
        compounds.append(compound)
        for h in range(10):
            hh = Household.objects.create(
                place=compound, jurisdiction=tree[code], address=f"{g}-{h}"
            )
            people += [person(tree[code], hh, g * 100 + h * 3 + k) for k in range(3)]
    school = EstablishmentFactory(jurisdiction=tree[GRIDS[0]], kind="school", name="东门小学")
    for p in people[:10]:
        Member.objects.create(
            establishment=school, person=p, role="pupil", group="一(1)班", created_at=BEFORE
        )
    area = RiskAreaFactory(jurisdiction=tree[GRIDS[0]], extent=[compounds[0]], name="小区0封控区")
    schools = MeasureFactory(
        jurisdiction=tree[COUNTY], kind="school_mode", setting={"mode": "closed"}
    )
    gatherings = MeasureFactory(
        jurisdiction=tree[COUNTY], kind="gatherings", setting={"max_size": 50}
    )
    case = CaseFactory(
        person=people[0], reported_at=at(DAY - datetime.timedelta(days=1)), created_at=BEFORE
    )
    PlacementFactory(person=people[1], placed_at=at(DAY - datetime.timedelta(days=2)))
    return {
        "people": people,
        "area": area,
        "schools": schools,
        "gatherings": gatherings,
        "case": case,
        "tree": tree,
    }
