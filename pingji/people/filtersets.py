import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.core.forms import limit_choices
from pingji.core.views.base import focus_code
from pingji.geo.models import Jurisdiction

from .forms import visible_grids
from .models import Household, Person


def _grids(request):
    if request is None:
        return Jurisdiction.objects.none()
    return visible_grids(request.user, focus_code(request))


class PersonFilterSet(django_filters.FilterSet):
    """The API's filters: name, area, household. Identity numbers and phones are searched only by
    ``POST persons/search/`` (``people.actions.search``): a GET filter would be an unlogged oracle.
    """

    name = django_filters.CharFilter(label=pgettext_lazy("person", "name"), lookup_expr="icontains")
    within = django_filters.CharFilter(
        label=_("within jurisdiction"), field_name="jurisdiction__code", lookup_expr="within"
    )
    household = django_filters.NumberFilter(label=_("household"), field_name="household_id")

    class Meta:
        model = Person
        fields = ["name", "within", "household"]


class PersonSearchFilterSet(django_filters.FilterSet):
    """The list page's filters (identity search is the POST form, ``people.actions.search``).

    A malformed filter value shows its error and lists nobody.
    """

    name = django_filters.CharFilter(label=pgettext_lazy("person", "name"), lookup_expr="icontains")
    grid = django_filters.ModelChoiceFilter(
        label=_("grid"), field_name="jurisdiction", queryset=_grids
    )
    household = django_filters.NumberFilter(label=_("household no."), field_name="household_id")

    class Meta:
        model = Person
        fields = ["name", "grid", "household"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grid = self.form.fields["grid"]
        limit_choices(grid, grid.queryset)

    def filter_queryset(self, queryset):
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)


class HouseholdFilterSet(django_filters.FilterSet):
    address = django_filters.CharFilter(label=_("address"), lookup_expr="icontains")
    within = django_filters.CharFilter(
        label=_("within jurisdiction"), field_name="jurisdiction__code", lookup_expr="within"
    )
    place = django_filters.NumberFilter(label=_("place"), field_name="place_id")

    class Meta:
        model = Household
        fields = ["address", "within", "place"]
