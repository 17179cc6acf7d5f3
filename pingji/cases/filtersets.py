import django_filters
from django.utils.translation import gettext_lazy as _

from pingji.protocols.models import diseases_to_choose

from .choices import INSIDE_CONTROL, Channel, Classification, Origin, Outcome
from .models import Case


class CaseFilterSet(django_filters.FilterSet):
    """Filters shared by the list page and the API; dates are report dates in Asia/Shanghai."""

    disease = django_filters.ModelChoiceFilter(
        label=_("disease"), queryset=diseases_to_choose(), field_name="disease"
    )
    classification = django_filters.ChoiceFilter(
        label=_("classification"), choices=Classification.choices
    )
    channel = django_filters.ChoiceFilter(label=_("discovery channel"), choices=Channel.choices)
    inside_control = django_filters.BooleanFilter(
        label=_("found inside control"), method="filter_inside_control"
    )
    origin = django_filters.ChoiceFilter(label=_("local or imported"), choices=Origin.choices)
    outcome = django_filters.ChoiceFilter(label=_("outcome"), choices=Outcome.choices)
    reported_from = django_filters.DateFilter(
        label=_("reported from"), field_name="reported_at", lookup_expr="date__gte"
    )
    reported_to = django_filters.DateFilter(
        label=_("reported to"), field_name="reported_at", lookup_expr="date__lte"
    )
    within = django_filters.CharFilter(label=_("within jurisdiction"), method="filter_within")
    person = django_filters.NumberFilter(label=_("person"), field_name="person_id")
    voided = django_filters.BooleanFilter(
        label=_("voided"), field_name="voided_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Case
        fields = [
            "disease",
            "classification",
            "channel",
            "inside_control",
            "origin",
            "outcome",
            "reported_from",
            "reported_to",
            "within",
            "person",
            "voided",
        ]

    def filter_inside_control(self, queryset, name, value):
        if value is None:
            return queryset
        inside = [str(c) for c in INSIDE_CONTROL]
        return (
            queryset.filter(channel__in=inside) if value else queryset.exclude(channel__in=inside)
        )

    def filter_within(self, queryset, name, value):
        return queryset.within(value.strip()) if value else queryset
