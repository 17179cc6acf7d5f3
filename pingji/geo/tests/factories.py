import factory

from pingji.geo.choices import PlaceKind
from pingji.geo.models import Jurisdiction, Place


class PlaceFactory(factory.django.DjangoModelFactory[Place]):
    class Meta:
        model = Place

    kind = PlaceKind.COMPOUND
    name = factory.Sequence(lambda n: f"小区{n}")
    address = factory.Sequence(lambda n: f"东门路{n}号")


SCOPED_FACTORIES = {
    Jurisdiction: lambda grid: grid,
    Place: lambda grid: PlaceFactory(jurisdiction=grid),
}
