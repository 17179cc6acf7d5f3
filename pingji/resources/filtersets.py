import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import FacilityKind, StoreKind
from .models import Facility, Store


class StoreFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=StoreKind.choices)

    class Meta:
        model = Store
        fields = ["kind"]


class FacilityFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=FacilityKind.choices)

    class Meta:
        model = Facility
        fields = ["kind"]
