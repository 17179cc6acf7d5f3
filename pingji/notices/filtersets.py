import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .choices import NoticeKind, NoticeStatus
from .models import Notice
from .printing import CODE


class NoticeFilterSet(django_filters.FilterSet):
    """Kind, status and grid (a jurisdiction code: its subtree); a malformed code lists nobody
    and says why, as every list's filters do."""

    kind = django_filters.ChoiceFilter(label=_("kind"), choices=NoticeKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=NoticeStatus.choices)
    grid = django_filters.CharFilter(
        label=_("grid code"),
        method="in_grid",
        max_length=15,
        validators=[RegexValidator(CODE, _("A grid is named by its code: 2 to 15 digits."))],
    )

    class Meta:
        model = Notice
        fields = ["kind", "status", "grid"]

    def in_grid(self, queryset, name, value):
        return queryset.subtree(value)
