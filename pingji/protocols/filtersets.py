import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Protocol, diseases_to_choose


class ProtocolFilterSet(django_filters.FilterSet):
    disease = django_filters.ModelChoiceFilter(
        label=_("disease"), queryset=diseases_to_choose(), field_name="disease"
    )
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    jurisdiction_code = django_filters.CharFilter(label=_("applies to (code)"))
    national = django_filters.BooleanFilter(
        label=_("national"),
        field_name="jurisdiction_code",
        lookup_expr="exact",
        method="filter_national",
    )
    effective_after = django_filters.DateFilter(
        label=_("effective on or after"), field_name="effective_from", lookup_expr="gte"
    )
    effective_before = django_filters.DateFilter(
        label=_("effective on or before"), field_name="effective_from", lookup_expr="lte"
    )

    class Meta:
        model = Protocol
        fields = [
            "disease",
            "name",
            "jurisdiction_code",
            "national",
            "effective_after",
            "effective_before",
        ]

    def filter_national(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(jurisdiction_code="")
            if value
            else queryset.exclude(jurisdiction_code="")
        )
