"""Factories for people and households, with valid GB 11643 identity numbers."""

import datetime

import factory

from pingji.geo.tests.factories import PlaceFactory
from pingji.people.identity import birth_date_of, compose_id_number, sex_of
from pingji.people.models import Household, Person

#: 仙游县: the region code of the fixtures' county.
REGION = "350322"
FIRST_BIRTH = datetime.date(1950, 1, 1)


def id_number_for(n: int, region: str = REGION) -> str:
    """The n-th distinct valid number: serials 0–999 per day, then the next day."""
    return compose_id_number(region, FIRST_BIRTH + datetime.timedelta(days=n // 1000), n % 1000)


def phone_for(n: int) -> str:
    return f"139{n % 10**8:08d}"


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    class Meta:
        model = Household

    place = factory.SubFactory(PlaceFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))
    address = factory.Sequence(lambda n: f"东门路{n}号{n % 6 + 1}01室")


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    """A person with encrypted identity data, stored as the actions would store it.

    ``id_number``/``phone`` are plain parameters (``None`` for a person without one).
    """

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"居民{n}")
    id_number = factory.Sequence(id_number_for)
    phone = factory.Sequence(phone_for)
    household = None
    jurisdiction = factory.LazyAttribute(
        lambda o: o.household.jurisdiction if o.household else None
    )

    @classmethod
    def _create(cls, model_class, *args, id_number=None, phone=None, **kwargs):
        person = model_class(*args, **kwargs)
        if id_number:
            person.sex, person.birth_date = sex_of(id_number), birth_date_of(id_number)
        person.set_id_number(id_number or "")
        person.set_phone(phone or "")
        person.save()
        return person


SCOPED_FACTORIES = {
    Household: lambda grid: HouseholdFactory(jurisdiction=grid),
    Person: lambda grid: PersonFactory(household=HouseholdFactory(jurisdiction=grid)),
}
