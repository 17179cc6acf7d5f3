"""Factories for preparedness rows; SCOPED_FACTORIES joins them to the shared permission suite."""

import datetime

import factory
from django.utils import timezone

from pingji.preparedness.choices import DrillKind, Signal, SiteKind
from pingji.preparedness.models import (
    Alert,
    Attendance,
    Course,
    Drill,
    DrillFinding,
    DrillStepRecord,
    SurveillanceReport,
    SurveillanceSite,
    VectorSurvey,
    WarningRule,
)
from pingji.users.choices import Role
from pingji.users.models import User

PLANNED = timezone.make_aware(datetime.datetime(2021, 8, 20, 9))


class SiteFactory(factory.django.DjangoModelFactory[SurveillanceSite]):
    class Meta:
        model = SurveillanceSite

    name = factory.Sequence(lambda n: f"Fever clinic {n}")
    kind = SiteKind.FEVER_CLINIC
    signal = Signal.FEVER_VISITS


class ReportFactory(factory.django.DjangoModelFactory[SurveillanceReport]):
    class Meta:
        model = SurveillanceReport

    site = factory.SubFactory(SiteFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.site.jurisdiction)
    day = datetime.date(2021, 9, 1)
    value = 10
    source = "form"


class RuleFactory(factory.django.DjangoModelFactory[WarningRule]):
    class Meta:
        model = WarningRule

    signal = Signal.FEVER_VISITS


class AlertFactory(factory.django.DjangoModelFactory[Alert]):
    class Meta:
        model = Alert

    rule = factory.LazyAttribute(lambda o: RuleFactory.create(jurisdiction=o.jurisdiction))
    day = datetime.date(2021, 9, 9)
    value = 40
    baseline = 12.0


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    title = "Case investigation basics"
    role = Role.EPIDEMIOLOGIST
    held_on = datetime.date(2021, 6, 1)


class DrillFactory(factory.django.DjangoModelFactory[Drill]):
    class Meta:
        model = Drill

    title = "Delta cluster drill"
    kind = DrillKind.FUNCTIONAL
    scenario = "A case found in community screening."
    planned_for = PLANNED


def _user(grid):
    return User.objects.create_user(
        username=f"u-{grid.code}-{User.objects.count()}",
        password="x",
        role=Role.OPERATOR,
        jurisdiction=grid,
    )


SCOPED_FACTORIES = {
    SurveillanceSite: lambda grid: SiteFactory.create(jurisdiction=grid),
    SurveillanceReport: lambda grid: ReportFactory.create(
        site=SiteFactory.create(jurisdiction=grid)
    ),
    WarningRule: lambda grid: RuleFactory.create(jurisdiction=grid),
    Alert: lambda grid: AlertFactory.create(jurisdiction=grid),
    Course: lambda grid: CourseFactory.create(jurisdiction=grid),
    Attendance: lambda grid: Attendance.objects.create(
        course=CourseFactory.create(jurisdiction=grid), user=_user(grid), jurisdiction=grid
    ),
    Drill: lambda grid: DrillFactory.create(jurisdiction=grid),
    DrillStepRecord: lambda grid: DrillStepRecord.objects.create(
        drill=DrillFactory.create(jurisdiction=grid),
        jurisdiction=grid,
        step="dispatch",
        done_at=PLANNED,
    ),
    VectorSurvey: lambda grid: VectorSurvey.objects.create(
        jurisdiction=grid,
        day=datetime.date(2021, 9, 1),
        houses_inspected=50,
        houses_positive=3,
        containers_positive=4,
        source="form",
    ),
    DrillFinding: lambda grid: DrillFinding.objects.create(
        drill=DrillFactory.create(jurisdiction=grid),
        jurisdiction=grid,
        text="Dispatch list incomplete",
    ),
}
