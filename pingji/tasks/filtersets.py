import django_filters
from django.utils.translation import gettext_lazy as _

from pingji.core import clock

from .choices import TaskStatus
from .kinds import kind_choices
from .models import Task


class TaskFilterSet(django_filters.FilterSet):
    title = django_filters.CharFilter(label=_("title"), lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("status"), choices=TaskStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=kind_choices)
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=_("my tasks"), method="filter_mine")
    within = django_filters.CharFilter(label=_("within jurisdiction"), method="filter_within")

    class Meta:
        model = Task
        fields = ["title", "status", "kind", "overdue", "mine", "within"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = queryset.overdue(clock.now())
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        mine = queryset.inbox(user)
        return mine if value else queryset.exclude(pk__in=mine.values("pk"))

    def filter_within(self, queryset, name, value):
        return queryset.within(value.strip()) if value else queryset
