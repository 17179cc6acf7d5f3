"""Factories for resources rows; SCOPED_FACTORIES joins them to the shared permission suite."""

import datetime

import factory
from django.utils import timezone

from pingji.resources.choices import SIGN, FacilityKind, MovementKind, StaffRole, StoreKind
from pingji.resources.models import Batch, Facility, Movement, Store, SupplyItem, Workforce


class SupplyItemFactory(factory.django.DjangoModelFactory[SupplyItem]):
    class Meta:
        model = SupplyItem
        django_get_or_create = ("code",)

    code = "n95"
    name = "N95 mask"
    category = "masks"
    unit = "piece"


class StoreFactory(factory.django.DjangoModelFactory[Store]):
    class Meta:
        model = Store

    jurisdiction = None
    name = factory.Sequence(lambda n: f"Reserve store {n}")
    kind = StoreKind.GOVERNMENT


class BatchFactory(factory.django.DjangoModelFactory[Batch]):
    class Meta:
        model = Batch

    store = factory.SubFactory(StoreFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.store.jurisdiction)
    item = factory.SubFactory(SupplyItemFactory)
    lot = factory.Sequence(lambda n: f"L{n:04d}")
    expires_on = datetime.date(2023, 12, 31)
    quantity = 100


class MovementFactory(factory.django.DjangoModelFactory[Movement]):
    class Meta:
        model = Movement

    batch = factory.SubFactory(BatchFactory)
    store = factory.LazyAttribute(lambda o: o.batch.store)
    jurisdiction = factory.LazyAttribute(lambda o: o.batch.jurisdiction)
    item = factory.LazyAttribute(lambda o: o.batch.item)
    kind = MovementKind.RECEIPT
    quantity = 100
    delta = factory.LazyAttribute(lambda o: SIGN[o.kind] * o.quantity)
    at = factory.LazyFunction(timezone.now)
    day = factory.LazyAttribute(lambda o: timezone.localtime(o.at).date())


class FacilityFactory(factory.django.DjangoModelFactory[Facility]):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Designated hospital {n}")
    kind = FacilityKind.DESIGNATED_HOSPITAL
    general_beds = 200
    icu_beds = 20


class WorkforceFactory(factory.django.DjangoModelFactory[Workforce]):
    class Meta:
        model = Workforce

    role = StaffRole.EPIDEMIOLOGIST
    headcount = 12
    needed = 20


SCOPED_FACTORIES = {
    Store: lambda grid: StoreFactory(jurisdiction=grid),
    Batch: lambda grid: BatchFactory(store=StoreFactory(jurisdiction=grid)),
    Movement: lambda grid: MovementFactory(
        batch=BatchFactory(store=StoreFactory(jurisdiction=grid))
    ),
    Facility: lambda grid: FacilityFactory(jurisdiction=grid),
    Workforce: lambda grid: WorkforceFactory(jurisdiction=grid),
}
