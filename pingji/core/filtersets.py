import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from .choices import ChangeAction, JobStatus
from .models import DomainEvent, Job, ObjectChange


class ChangeFilterSet(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("action"), choices=ChangeAction.choices)
    object_type = django_filters.CharFilter(
        label=_("object type"), field_name="content_type__model", lookup_expr="iexact"
    )
    actor = django_filters.CharFilter(label=_("actor"), field_name="actor__username")
    request_id = django_filters.CharFilter(label=_("request id"))
    since = django_filters.DateTimeFilter(label=_("since"), field_name="time", lookup_expr="gte")

    class Meta:
        model = ObjectChange
        fields = ["action", "object_type", "actor", "request_id", "since", "object_id"]


class EventFilterSet(django_filters.FilterSet):
    kind = django_filters.CharFilter(label=_("kind"), lookup_expr="startswith")
    since = django_filters.DateTimeFilter(label=_("since"), field_name="time", lookup_expr="gte")

    class Meta:
        model = DomainEvent
        fields = ["kind", "since", "object_id"]


class JobFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=JobStatus.choices)

    class Meta:
        model = Job
        fields = ["status", "kind"]


#: The range of a 64-bit integer column: every id and count the database holds fits in it.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def bound_numbers(filterset: django_filters.FilterSet) -> django_filters.FilterSet:
    """Refuse number filters outside the database's integer range as a form error.

    A ``NumberFilter`` on a foreign key (``?household=99999999999999999999999``) is sent to the
    database as it is, and SQLite or PostgreSQL fails the query; bounded, it is a clear error
    (400 in the API, an empty list with the field's error on a page). Applied to every filter set
    of the lists (``ScopedListView``) and of the API (``BoundedFilterBackend``).
    """
    for name, spec in filterset.filters.items():
        field = filterset.form.fields.get(name)
        if isinstance(spec, django_filters.NumberFilter) and field is not None:
            field.validators = [
                *field.validators,
                MinValueValidator(BIGINT_MIN),
                MaxValueValidator(BIGINT_MAX),
            ]
    return filterset


class BoundedFilterBackend(DjangoFilterBackend):
    """django-filter's API backend with ``bound_numbers`` applied to every filter set."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        return bound_numbers(filterset) if filterset is not None else None
