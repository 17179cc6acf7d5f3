import django_filters
from django.utils.translation import gettext_lazy as _

from .models import DailyIndicator, ForecastRun, RtEstimate


class _Common(django_filters.FilterSet):
    jurisdiction = django_filters.CharFilter(label=_("jurisdiction"), field_name="jurisdiction_id")


class DailyIndicatorFilterSet(_Common):
    key = django_filters.CharFilter(label=_("indicator"))
    day_from = django_filters.DateFilter(label=_("from"), field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(label=_("to"), field_name="day", lookup_expr="lte")

    class Meta:
        model = DailyIndicator
        fields = ["jurisdiction", "key", "day_from", "day_to"]


class RtEstimateFilterSet(_Common):
    day_from = django_filters.DateFilter(label=_("from"), field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(label=_("to"), field_name="day", lookup_expr="lte")

    class Meta:
        model = RtEstimate
        fields = ["jurisdiction", "day_from", "day_to"]


class ForecastRunFilterSet(_Common):
    issued_on = django_filters.DateFilter(label=_("last day observed"))

    class Meta:
        model = ForecastRun
        fields = ["jurisdiction", "issued_on", "horizon", "model"]
