import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import Mode
from .models import ModeSwitch


class ModeSwitchFilterSet(django_filters.FilterSet):
    within = django_filters.CharFilter(
        label=_("within jurisdiction"), field_name="jurisdiction__code", lookup_expr="within"
    )
    jurisdiction = django_filters.CharFilter(label=_("jurisdiction"), field_name="jurisdiction_id")
    mode = django_filters.ChoiceFilter(label=_("mode"), choices=Mode.choices)
    since = django_filters.DateTimeFilter(
        label=_("since"), field_name="effective_at", lookup_expr="gte"
    )

    class Meta:
        model = ModeSwitch
        fields = ["within", "jurisdiction", "mode", "since"]
