"""Factories for tracing rows, stored as the actions would store them (without the events)."""

import datetime

import factory

from pingji.cases.tests.factories import CaseFactory
from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.crypto import lookup_hash
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.protocols.versions import protocol_for
from pingji.tracing.choices import ContactTier, Setting
from pingji.tracing.models import Contact, Exposure, Investigation, ProposedContact

HOUR = datetime.timedelta(hours=1)


class InvestigationFactory(factory.django.DjangoModelFactory):
    """The investigation of a case reported 2021-09-12 09:00 under the 8th edition."""

    class Meta:
        model = Investigation

    case = factory.SubFactory(CaseFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.case.jurisdiction)
    protocol = factory.LazyAttribute(
        lambda o: protocol_for(o.case.jurisdiction_id, o.case.reported_at)
    )
    opened_at = factory.LazyAttribute(lambda o: o.case.reported_at)
    core_due_at = factory.LazyAttribute(lambda o: o.case.reported_at + 4 * HOUR)
    report_due_at = factory.LazyAttribute(lambda o: o.case.reported_at + 24 * HOUR)
    lookback_from = datetime.date(2021, 9, 8)


class ExposureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exposure

    investigation = factory.SubFactory(InvestigationFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.investigation.jurisdiction)
    place = factory.LazyAttribute(
        lambda o: PlaceFactory(kind=PlaceKind.VENUE, jurisdiction=o.investigation.jurisdiction)
    )
    started_at = factory.LazyAttribute(lambda o: o.investigation.case.reported_at - 30 * HOUR)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + HOUR)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    investigation = factory.SubFactory(InvestigationFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.investigation.jurisdiction)
    person = factory.LazyAttribute(
        lambda o: PersonFactory(household=HouseholdFactory(jurisdiction=o.jurisdiction))
    )
    tier = ContactTier.CLOSE_CONTACT
    setting = Setting.HOUSEHOLD
    last_exposure_at = factory.LazyAttribute(lambda o: o.investigation.case.reported_at - HOUR)


class ProposedContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposedContact

    exposure = factory.SubFactory(ExposureFactory)
    investigation = factory.LazyAttribute(lambda o: o.exposure.investigation)
    jurisdiction = factory.LazyAttribute(lambda o: o.investigation.jurisdiction)
    venue = factory.LazyAttribute(lambda o: o.exposure.place)
    id_hash = factory.Sequence(lambda n: lookup_hash(f"unregistered-{n}"))
    check_in = factory.LazyAttribute(lambda o: o.exposure.started_at)
    check_out = factory.LazyAttribute(lambda o: o.exposure.ended_at)
    overlap_start = factory.LazyAttribute(lambda o: o.check_in)
    overlap_end = factory.LazyAttribute(lambda o: o.check_out)
    overlap_minutes = 60.0
    tier = ContactTier.CLOSE_CONTACT


def _investigation(grid):
    return InvestigationFactory(
        case=CaseFactory(person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)))
    )


SCOPED_FACTORIES = {
    Investigation: _investigation,
    Exposure: lambda grid: ExposureFactory(investigation=_investigation(grid)),
    Contact: lambda grid: ContactFactory(investigation=_investigation(grid)),
    ProposedContact: lambda grid: ProposedContactFactory(
        exposure=ExposureFactory(investigation=_investigation(grid))
    ),
}
