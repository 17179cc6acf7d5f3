import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import PlacementStatus, RegimeCategory, Setting, SiteStatus, TestStatus
from .models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    Room,
    ScheduledTest,
    Site,
    SiteStaff,
)


class PlacementFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=PlacementStatus.choices)
    setting = django_filters.ChoiceFilter(label=_("held"), choices=Setting.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=RegimeCategory.choices)
    site = django_filters.NumberFilter(
        label=pgettext_lazy("quarantine", "site"), field_name="site_id"
    )
    person = django_filters.NumberFilter(label=_("person"), field_name="person_id")

    class Meta:
        model = Placement
        fields = ["status", "setting", "category", "site", "person"]


class SiteFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=SiteStatus.choices)

    class Meta:
        model = Site
        fields = ["status", "kind"]


class _OfPlacement(django_filters.FilterSet):
    placement = django_filters.NumberFilter(label=_("placement"), field_name="placement_id")


class ScheduledTestFilterSet(_OfPlacement):
    status = django_filters.ChoiceFilter(label=_("result"), choices=TestStatus.choices)
    due_on = django_filters.DateFilter(label=_("due on"))

    class Meta:
        model = ScheduledTest
        fields = ["placement", "status", "due_on"]


class MonitoringCheckFilterSet(_OfPlacement):
    class Meta:
        model = MonitoringCheck
        fields = ["placement", "on"]


class HistoryEntryFilterSet(_OfPlacement):
    class Meta:
        model = HistoryEntry
        fields = ["placement", "kind"]


class ReleaseFilterSet(_OfPlacement):
    class Meta:
        model = Release
        fields = ["placement", "eligible", "overridden"]


class RoomFilterSet(django_filters.FilterSet):
    site = django_filters.NumberFilter(
        label=pgettext_lazy("quarantine", "site"), field_name="site_id"
    )

    class Meta:
        model = Room
        fields = ["site"]


class SiteStaffFilterSet(RoomFilterSet):
    class Meta:
        model = SiteStaff
        fields = ["site"]
