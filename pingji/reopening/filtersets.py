import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import Kind, Sector, Status
from .models import Establishment


class EstablishmentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Kind.choices)
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Status.choices)
    key = django_filters.BooleanFilter(label=_("key enterprise"))
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    credit_code = django_filters.CharFilter(label=_("unified social credit code"))
    within = django_filters.CharFilter(label=_("within jurisdiction"), method="filter_within")

    class Meta:
        model = Establishment
        fields = ["kind", "sector", "status", "key", "name", "credit_code", "within"]

    def filter_within(self, queryset, name, value):
        return queryset.within(value.strip()) if value else queryset
