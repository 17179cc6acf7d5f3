"""Factories for cases, stored as ``do_report_case`` would store them (without the event)."""

import datetime

import factory
from django.utils import timezone

from pingji.cases.choices import Channel, Classification, Severity
from pingji.cases.models import Case
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

REPORTED = timezone.make_aware(datetime.datetime(2021, 9, 12, 9, 0))


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    """A confirmed mild local case found in community screening, reported 2021-09-12."""

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.person.jurisdiction)
    classification = Classification.CONFIRMED
    severity = Severity.MILD
    onset_date = datetime.date(2021, 9, 10)
    sampled_at = REPORTED - datetime.timedelta(hours=20)
    reported_at = REPORTED
    channel = Channel.COMMUNITY_SCREENING


SCOPED_FACTORIES = {
    Case: lambda grid: CaseFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=grid))
    )
}
