"""Factories for scenarios; SCOPED_FACTORIES joins them to the shared permission suite."""

import datetime

import factory

from pingji.scenarios.models import Run, Scenario


class ScenarioFactory(factory.django.DjangoModelFactory[Scenario]):
    class Meta:
        model = Scenario

    name = factory.Sequence(lambda n: f"复学方案{n}")
    state_day = datetime.date(2021, 9, 19)
    plan = factory.LazyFunction(list)
    days = 14
    runs = 2
    threshold = 5
    seed = 1
    importation = 0.0
    stay_days = 21


class RunFactory(factory.django.DjangoModelFactory[Run]):
    class Meta:
        model = Run

    scenario = factory.SubFactory(ScenarioFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.scenario.jurisdiction)


SCOPED_FACTORIES = {
    Scenario: lambda grid: ScenarioFactory(jurisdiction=grid),
    Run: lambda grid: RunFactory(scenario=ScenarioFactory(jurisdiction=grid)),
}
