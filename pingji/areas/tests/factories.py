"""Factories for areas rows, stored as the actions would store them (without the events).

SCOPED_FACTORIES joins them to the shared permission suite.
"""

import datetime

import factory
from django.utils import timezone

from pingji.areas.choices import (
    AreaStatus,
    CheckpointKind,
    MeasureChangeKind,
    MeasureKind,
    MeasureStatus,
    StepCondition,
    TransitionKind,
    TransitionStatus,
    Verdict,
)
from pingji.areas.models import (
    Checkpoint,
    CheckpointDay,
    Evaluation,
    LiftingStep,
    Measure,
    MeasureChange,
    Publication,
    RiskArea,
    Transition,
)
from pingji.geo.tests.factories import PlaceFactory
from pingji.protocols.versions import protocol_for

DECIDED = timezone.make_aware(datetime.datetime(2021, 9, 14, 12, 0))


class RiskAreaFactory(factory.django.DjangoModelFactory[RiskArea]):
    """A sealed compound of 仙游县 in force since 2021-09-14 12:00 (8th edition)."""

    class Meta:
        model = RiskArea
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"封控区{n}")
    level = "sealed"
    status = AreaStatus.ACTIVE
    legal_basis = "仙防控指〔2021〕1号"
    protocol = factory.LazyAttribute(lambda o: protocol_for(o.jurisdiction.code, o.decided_at))
    decided_at = DECIDED
    effective_from = factory.LazyAttribute(lambda o: o.decided_at)
    level_since = factory.LazyAttribute(lambda o: o.decided_at)

    @factory.post_generation
    def extent(self, create, places, **kwargs):
        """``extent=[place, …]``; by default a new compound in the area's jurisdiction."""
        if not create:
            return
        if places is None:
            places = [PlaceFactory.create(jurisdiction=self.jurisdiction)]
        self.places.set(places)
        if self.status == AreaStatus.ACTIVE:
            TransitionFactory.create(
                area=self, to_level=self.level, effective_at=self.effective_from
            )


class TransitionFactory(factory.django.DjangoModelFactory[Transition]):
    class Meta:
        model = Transition

    jurisdiction = factory.LazyAttribute(lambda o: o.area.jurisdiction)
    kind = TransitionKind.DESIGNATE
    to_level = factory.LazyAttribute(lambda o: o.area.level)
    status = TransitionStatus.PUBLISHED
    protocol = factory.LazyAttribute(lambda o: o.area.protocol)
    criteria_met = True
    effective_at = factory.LazyAttribute(lambda o: o.area.decided_at)
    published_at = factory.LazyAttribute(lambda o: o.effective_at)


class EvaluationFactory(factory.django.DjangoModelFactory[Evaluation]):
    class Meta:
        model = Evaluation

    jurisdiction = factory.LazyAttribute(lambda o: o.area.jurisdiction)
    day = datetime.date(2021, 9, 20)
    level = factory.LazyAttribute(lambda o: o.area.level)
    verdict = Verdict.NOT_YET


class PublicationFactory(factory.django.DjangoModelFactory[Publication]):
    class Meta:
        model = Publication

    number = factory.Sequence(lambda n: n + 1)
    published_at = DECIDED


class CheckpointFactory(factory.django.DjangoModelFactory[Checkpoint]):
    class Meta:
        model = Checkpoint

    name = factory.Sequence(lambda n: f"仙游收费站{n}")
    kind = CheckpointKind.HIGHWAY_EXIT
    rules = "查验48小时核酸阴性证明"
    test_within_hours = 48
    since = DECIDED


class CheckpointDayFactory(factory.django.DjangoModelFactory[CheckpointDay]):
    class Meta:
        model = CheckpointDay

    jurisdiction = factory.LazyAttribute(lambda o: o.checkpoint.jurisdiction)
    day = datetime.date(2021, 9, 15)
    vehicles = 120
    persons = 300
    turned_back = 4


class LiftingStepFactory(factory.django.DjangoModelFactory[LiftingStep]):
    class Meta:
        model = LiftingStep

    jurisdiction = factory.LazyAttribute(lambda o: o.checkpoint.jurisdiction)
    sequence = factory.Sequence(lambda n: n + 1)
    to_status = "relaxed"
    condition = StepCondition.NO_STRICTEST


class MeasureFactory(factory.django.DjangoModelFactory[Measure]):
    """Gatherings of at most 50 people, in force since 2021-09-14 12:00, with its published
    designation (as ``RiskAreaFactory`` keeps its transition)."""

    class Meta:
        model = Measure
        skip_postgeneration_save = True

    kind = MeasureKind.GATHERINGS
    setting = factory.LazyFunction(lambda: {"max_size": 50})
    status = MeasureStatus.ACTIVE
    legal_basis = "仙防控指〔2021〕5号"
    decided_at = DECIDED
    effective_from = factory.LazyAttribute(lambda o: o.decided_at)
    setting_since = factory.LazyAttribute(lambda o: o.decided_at)

    @factory.post_generation
    def designation(self, create, extracted, **kwargs):
        if create and self.status == MeasureStatus.ACTIVE:
            MeasureChangeFactory.create(measure=self)


class MeasureChangeFactory(factory.django.DjangoModelFactory[MeasureChange]):
    class Meta:
        model = MeasureChange

    jurisdiction = factory.LazyAttribute(lambda o: o.measure.jurisdiction)
    kind = MeasureChangeKind.DESIGNATE
    to_setting = factory.LazyAttribute(lambda o: o.measure.setting)
    status = TransitionStatus.PUBLISHED
    decided_at = factory.LazyAttribute(lambda o: o.measure.decided_at)
    effective_at = factory.LazyAttribute(lambda o: o.measure.effective_from or o.decided_at)
    published_at = factory.LazyAttribute(lambda o: o.effective_at)


SCOPED_FACTORIES = {
    RiskArea: lambda grid: RiskAreaFactory.create(jurisdiction=grid),
    Transition: lambda grid: RiskAreaFactory.create(jurisdiction=grid).transitions.get(),
    Evaluation: lambda grid: EvaluationFactory.create(
        area=RiskAreaFactory.create(jurisdiction=grid)
    ),
    Publication: lambda grid: PublicationFactory.create(jurisdiction=grid),
    Checkpoint: lambda grid: CheckpointFactory.create(jurisdiction=grid),
    CheckpointDay: lambda grid: CheckpointDayFactory.create(
        checkpoint=CheckpointFactory.create(jurisdiction=grid)
    ),
    LiftingStep: lambda grid: LiftingStepFactory.create(
        checkpoint=CheckpointFactory.create(jurisdiction=grid)
    ),
    Measure: lambda grid: MeasureFactory.create(jurisdiction=grid),
    MeasureChange: lambda grid: MeasureFactory.create(jurisdiction=grid).changes.get(),
}
