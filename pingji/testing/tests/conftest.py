"""Testing fixtures: a campaign over 仙游县's two grids (12 residents), operator, outsider."""

import datetime

import pytest
from django.utils import timezone

from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

GRID1, GRID2 = "350322100001001", "350322100001002"


def at(day: int, hour: int = 8, minute: int = 0) -> datetime.datetime:
    """A time in September 2021, Beijing time (the Putian rounds)."""
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour, minute))


@pytest.fixture(autouse=True)
def stores(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_BACKEND = "sync"


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def huli(make_user):
    return make_user(Role.OPERATOR, "350206")


@pytest.fixture
def residents(tree):
    """Four households of three: two in a compound of grid 1 (one in a building), two in grid 2."""
    compound = PlaceFactory(kind=PlaceKind.COMPOUND, jurisdiction=tree[GRID1], name="东门小区")
    building = PlaceFactory(
        kind=PlaceKind.BUILDING, jurisdiction=tree[GRID1], parent=compound, name="1栋"
    )
    places = [compound, building, None, None]
    people = []
    for i, grid in enumerate([GRID1, GRID1, GRID2, GRID2]):
        kwargs = {"place": places[i]} if places[i] else {}
        household = HouseholdFactory(jurisdiction=tree[grid], **kwargs)
        people += [PersonFactory(household=household) for _ in range(3)]
    return people


@pytest.fixture
def campaign(operator, tree, residents):
    from pingji.testing.actions.rounds import do_create_campaign

    return do_create_campaign(
        actor=operator,
        name="仙游县第一轮全员核酸",
        jurisdiction=tree["350322"],
        areas=[tree["350322"]],
    )


@pytest.fixture
def round_(campaign, operator):
    from pingji.testing.actions.rounds import do_open_round

    return do_open_round(campaign, actor=operator, starts_at=at(11, 6), ratio=5)


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def sampling_file(people, per_tube: int = 3, prefix: str = "T") -> bytes:
    rows = [
        f"{prefix}{i // per_tube:07d},{p.pk},2021-09-11 0{7 + i % 2}:30"
        for i, p in enumerate(people)
    ]
    return csv_bytes("barcode,person,sampled_at", rows)
