"""Factories for tracing rows, stored as the actions would store them (without the events)."""

import datetime

import factory

from pingji.cases.tests.factories import CaseFactory
from pingji.core.crypto import lookup_hash
from pingji.geo.choices import PlaceKind
from pingji.geo.models import Jurisdiction
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.protocols.versions import protocol_for
from pingji.tracing.choices import ContactTier, Setting
from pingji.tracing.models import (
    Cluster,
    Contact,
    Dispatch,
    Exposure,
    Investigation,
    Link,
    ProposedContact,
    ReportedContact,
)

HOUR = datetime.timedelta(hours=1)


class InvestigationFactory(factory.django.DjangoModelFactory[Investigation]):
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


class ExposureFactory(factory.django.DjangoModelFactory[Exposure]):
    class Meta:
        model = Exposure

    investigation = factory.SubFactory(InvestigationFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.investigation.jurisdiction)
    place = factory.LazyAttribute(
        lambda o: PlaceFactory(kind=PlaceKind.VENUE, jurisdiction=o.investigation.jurisdiction)
    )
    started_at = factory.LazyAttribute(lambda o: o.investigation.case.reported_at - 30 * HOUR)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + HOUR)


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
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


class ProposedContactFactory(factory.django.DjangoModelFactory[ProposedContact]):
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


class ReportedContactFactory(factory.django.DjangoModelFactory[ReportedContact]):
    """A contact known by particulars (name and address only), reported by an investigation."""

    class Meta:
        model = ReportedContact

    investigation = factory.SubFactory(InvestigationFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.investigation.jurisdiction)
    name = factory.Sequence(lambda n: f"外地密接{n}")
    address = "湖里区海山路1号"
    tier = ContactTier.CLOSE_CONTACT
    setting = Setting.WORKPLACE
    last_exposure_at = factory.LazyAttribute(lambda o: o.investigation.case.reported_at - HOUR)


class DispatchFactory(factory.django.DjangoModelFactory[Dispatch]):
    """A contact of 仙游县 living in the grid's county, sent by the grid's township."""

    class Meta:
        model = Dispatch

    person = factory.LazyAttribute(
        lambda o: PersonFactory(household=HouseholdFactory(jurisdiction=o.home))
    )
    jurisdiction = factory.LazyAttribute(lambda o: Jurisdiction.objects.get(code=o.home.code[:6]))
    sender = factory.LazyAttribute(lambda o: Jurisdiction.objects.get(code=o.home.code[:9]))
    to_region = factory.LazyAttribute(lambda o: o.home.code[:6])
    to_region_name = factory.LazyAttribute(lambda o: o.jurisdiction.name)
    reason = "close contact"
    sent_at = datetime.datetime(2021, 9, 12, 9, tzinfo=datetime.UTC)
    due_at = factory.LazyAttribute(lambda o: o.sent_at + 24 * HOUR)

    class Params:
        home = None


class ClusterFactory(factory.django.DjangoModelFactory[Cluster]):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"聚集性疫情{n}")


def _link(grid):
    infector = CaseFactory(person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)))
    infectee = CaseFactory(person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)))
    return Link.objects.create(
        infector=infector, infectee=infectee, jurisdiction=grid, evidence="contact"
    )


def _investigation(grid):
    return InvestigationFactory(
        case=CaseFactory(person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)))
    )


SCOPED_FACTORIES = {
    Dispatch: lambda grid: DispatchFactory(home=grid),
    Cluster: lambda grid: ClusterFactory(jurisdiction=grid),
    Link: _link,
    Investigation: _investigation,
    Exposure: lambda grid: ExposureFactory(investigation=_investigation(grid)),
    Contact: lambda grid: ContactFactory(investigation=_investigation(grid)),
    ReportedContact: lambda grid: ReportedContactFactory(investigation=_investigation(grid)),
    ProposedContact: lambda grid: ProposedContactFactory(
        exposure=ExposureFactory(investigation=_investigation(grid))
    ),
}
