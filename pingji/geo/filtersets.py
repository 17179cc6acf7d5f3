import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import Level, PlaceKind
from .models import Jurisdiction, Place


class JurisdictionFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    level = django_filters.ChoiceFilter(label=_("level"), choices=Level.choices)
    parent = django_filters.CharFilter(label=_("parent code"), field_name="parent_id")

    class Meta:
        model = Jurisdiction
        fields = ["name", "level", "parent"]


class PlaceFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=PlaceKind.choices)
    within = django_filters.CharFilter(
        label=_("within jurisdiction"), field_name="jurisdiction__code", lookup_expr="within"
    )

    class Meta:
        model = Place
        fields = ["name", "kind", "within"]
