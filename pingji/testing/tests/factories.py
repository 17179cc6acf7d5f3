"""Factories for testing rows, stored as the actions store them (without events or lake files)."""

import datetime

import factory
from django.utils import timezone

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.protocols.versions import protocol_for
from pingji.testing.choices import PoolingMode, UploadKind, UploadStatus
from pingji.testing.models import (
    Campaign,
    Coverage,
    FollowUp,
    PositiveTube,
    Round,
    SamplingPoint,
    Upload,
)

START = timezone.make_aware(datetime.datetime(2021, 9, 11, 6))


class CampaignFactory(factory.django.DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"全员核酸检测{n}")


class RoundFactory(factory.django.DjangoModelFactory[Round]):
    """Round 1, opened 2021-09-11 06:00 under the 8th edition, pooled 10:1, due in 48 h."""

    class Meta:
        model = Round

    campaign = factory.SubFactory(
        CampaignFactory, jurisdiction=factory.SelfAttribute("..jurisdiction")
    )
    number = factory.Sequence(lambda n: n + 1)
    protocol = factory.LazyAttribute(lambda o: protocol_for(o.jurisdiction, START))
    starts_at = START
    deadline = START + datetime.timedelta(hours=48)
    pool_mode = PoolingMode.POOLED
    pool_ratio = 10


class UploadFactory(factory.django.DjangoModelFactory[Upload]):
    class Meta:
        model = Upload

    round = factory.SubFactory(RoundFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))
    kind = UploadKind.SAMPLING
    filename = "sampling.csv"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    status = UploadStatus.APPLIED


class PositiveTubeFactory(factory.django.DjangoModelFactory[PositiveTube]):
    class Meta:
        model = PositiveTube

    upload = factory.SubFactory(UploadFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))
    round = factory.LazyAttribute(lambda o: o.upload.round)
    barcode = factory.Sequence(lambda n: f"P{n:07d}")
    size = 10
    resulted_at = START + datetime.timedelta(hours=14)


def _follow_up(grid) -> FollowUp:
    person = PersonFactory.create(household=HouseholdFactory.create(jurisdiction=grid))
    return FollowUp.objects.create(
        tube=PositiveTubeFactory.create(jurisdiction=grid),
        person=person,
        jurisdiction=grid,
        sampled_at=START,
    )


SCOPED_FACTORIES = {
    Campaign: lambda grid: CampaignFactory.create(jurisdiction=grid),
    Round: lambda grid: RoundFactory.create(jurisdiction=grid),
    SamplingPoint: lambda grid: SamplingPoint.objects.create(
        round=RoundFactory.create(jurisdiction=grid),
        jurisdiction=grid,
        name="东门采样点",
        opens=datetime.time(6),
        closes=datetime.time(22),
    ),
    Upload: lambda grid: UploadFactory.create(jurisdiction=grid),
    Coverage: lambda grid: Coverage.objects.create(
        round=RoundFactory.create(jurisdiction=grid), jurisdiction=grid, target=10
    ),
    PositiveTube: lambda grid: PositiveTubeFactory.create(jurisdiction=grid),
    FollowUp: _follow_up,
}
