import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from pingji.core.forms import limit_choices
from pingji.core.views import focus_code
from pingji.geo.models import Jurisdiction

from .forms import IdentityOrPhoneField, IdNumberField, PhoneField, visible_grids
from .models import Household, Person


@extend_schema_field(OpenApiTypes.STR)
class IdNumberFilter(django_filters.Filter):
    field_class = IdNumberField

    def filter(self, qs, value):
        return qs.with_id_number(value) if value else qs


@extend_schema_field(OpenApiTypes.STR)
class PhoneFilter(django_filters.Filter):
    field_class = PhoneField

    def filter(self, qs, value):
        return qs.with_phone(value) if value else qs


@extend_schema_field(OpenApiTypes.STR)
class IdentityOrPhoneFilter(django_filters.Filter):
    field_class = IdentityOrPhoneField

    def filter(self, qs, value):
        if not value:
            return qs
        kind, term = value
        return qs.with_id_number(term) if kind == "id_number" else qs.with_phone(term)


def _grids(request):
    if request is None:
        return Jurisdiction.objects.none()
    return visible_grids(request.user, focus_code(request))


class PersonFilterSet(django_filters.FilterSet):
    """The API's filters: exact identity number or phone (through the hash), name, area."""

    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    id_number = IdNumberFilter(label=_("identity number"))
    phone = PhoneFilter(label=_("phone"))
    within = django_filters.CharFilter(
        label=_("within jurisdiction"), field_name="jurisdiction__code", lookup_expr="within"
    )
    household = django_filters.NumberFilter(label=_("household"), field_name="household_id")

    class Meta:
        model = Person
        fields = ["name", "id_number", "phone", "within", "household"]


class PersonSearchFilterSet(django_filters.FilterSet):
    """The list page's filters. A malformed search term shows its error and lists nobody."""

    q = IdentityOrPhoneFilter(label=_("identity number or phone"))
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    grid = django_filters.ModelChoiceFilter(
        label=_("grid"), field_name="jurisdiction", queryset=_grids
    )
    household = django_filters.NumberFilter(label=_("household no."), field_name="household_id")

    class Meta:
        model = Person
        fields = ["q", "name", "grid", "household"]

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
