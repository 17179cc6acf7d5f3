import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import (
    AreaStatus,
    CheckpointStatus,
    MeasureKind,
    MeasureStatus,
    RiskLevel,
    TransitionStatus,
    Verdict,
)
from .models import Checkpoint, Evaluation, Measure, MeasureChange, RiskArea, Transition


class _Within(django_filters.FilterSet):
    within = django_filters.CharFilter(label=_("within jurisdiction"), method="filter_within")

    def filter_within(self, queryset, name, value):
        return queryset.within(value.strip()) if value else queryset


class RiskAreaFilterSet(_Within):
    level = django_filters.ChoiceFilter(label=_("level"), choices=RiskLevel.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=AreaStatus.choices)
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")

    class Meta:
        model = RiskArea
        fields = ["level", "status", "name", "within"]


class TransitionFilterSet(_Within):
    status = django_filters.ChoiceFilter(label=_("status"), choices=TransitionStatus.choices)
    override = django_filters.BooleanFilter(label=_("override"))

    class Meta:
        model = Transition
        fields = ["status", "override", "kind", "area", "within"]


class EvaluationFilterSet(_Within):
    verdict = django_filters.ChoiceFilter(label=_("verdict"), choices=Verdict.choices)
    day = django_filters.DateFilter(label=_("day"))

    class Meta:
        model = Evaluation
        fields = ["verdict", "day", "area", "within"]


class CheckpointFilterSet(_Within):
    status = django_filters.ChoiceFilter(label=_("status"), choices=CheckpointStatus.choices)

    class Meta:
        model = Checkpoint
        fields = ["status", "kind", "within"]


class MeasureFilterSet(_Within):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=MeasureKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=MeasureStatus.choices)

    class Meta:
        model = Measure
        fields = ["kind", "status", "within"]


class MeasureChangeFilterSet(_Within):
    status = django_filters.ChoiceFilter(label=_("status"), choices=TransitionStatus.choices)

    class Meta:
        model = MeasureChange
        fields = ["status", "kind", "measure", "within"]
