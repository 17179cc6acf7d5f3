import django_filters
from django.utils.translation import gettext_lazy as _

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
