"""Factories for quarantine rows, stored as the actions would store them (without the events)."""

import datetime

import factory
from django.utils import timezone

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.protocols.versions import protocol_for
from pingji.quarantine.choices import (
    EntryKind,
    PlacementStatus,
    RegimeCategory,
    Setting,
    SiteKind,
    SiteStatus,
)
from pingji.quarantine.models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    Room,
    ScheduledTest,
    SelfReportLink,
    Site,
    SiteStaff,
)
from pingji.users.choices import Role
from pingji.users.models import User

PLACED = timezone.make_aware(datetime.datetime(2021, 9, 12, 20, 0))
EXPOSED = datetime.date(2021, 9, 10)


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"隔离酒店{n}")
    kind = SiteKind.HOTEL
    status = SiteStatus.OPEN


class RoomFactory(factory.django.DjangoModelFactory[Room]):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: f"{800 + n}")


class PlacementFactory(factory.django.DjangoModelFactory[Placement]):
    """A close contact exposed 2021-09-10, at a site from 09-12 under the 8th edition (14 + 7)."""

    class Meta:
        model = Placement

    person = factory.SubFactory(PersonFactory)
    category = RegimeCategory.CLOSE_CONTACT
    protocol = factory.LazyAttribute(lambda o: protocol_for(o.person.jurisdiction_id, o.placed_at))
    exposure_on = EXPOSED
    centralized_days = 14
    home_quarantine_days = 0
    home_monitoring_days = 7
    planned_release_on = EXPOSED + datetime.timedelta(days=14)
    planned_end_on = EXPOSED + datetime.timedelta(days=21)
    setting = Setting.CENTRALISED
    status = PlacementStatus.ACTIVE
    site = None
    jurisdiction = factory.LazyAttribute(
        lambda o: o.site.jurisdiction if o.site else o.person.jurisdiction
    )
    home = factory.LazyAttribute(lambda o: o.person.jurisdiction)
    placed_at = PLACED


def _site(grid):
    return SiteFactory(jurisdiction=grid)


def _placement(grid):
    return PlacementFactory(
        site=_site(grid), person=PersonFactory(household=HouseholdFactory(jurisdiction=grid))
    )


def _staff(grid):
    user = User.objects.create_user(
        username=f"site-{grid.code}-{User.objects.count()}",
        role=Role.SITE_MANAGER,
        jurisdiction=grid,
    )
    return SiteStaff.objects.create(site=_site(grid), user=user)


SCOPED_FACTORIES = {
    Site: _site,
    Room: lambda grid: RoomFactory(site=_site(grid)),
    SiteStaff: _staff,
    Placement: _placement,
    ScheduledTest: lambda grid: ScheduledTest.objects.create(
        placement=_placement(grid), day=1, setting=Setting.CENTRALISED, due_on=EXPOSED
    ),
    MonitoringCheck: lambda grid: MonitoringCheck.objects.create(
        placement=_placement(grid), on=EXPOSED, day=3, temperature="36.5", recorded_at=PLACED
    ),
    Release: lambda grid: Release.objects.create(
        placement=_placement(grid),
        jurisdiction=grid,
        decided_at=PLACED,
        eligible=True,
        to_jurisdiction=grid,
    ),
    HistoryEntry: lambda grid: HistoryEntry.objects.create(
        placement=_placement(grid), kind=EntryKind.PLACED, at=PLACED
    ),
    SelfReportLink: lambda grid: SelfReportLink.objects.create(
        placement=_placement(grid), nonce="0" * 32, expires_at=PLACED
    ),
}
