import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import User


class UserFilterSet(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("username"), lookup_expr="icontains")
    role = django_filters.ChoiceFilter(label=_("role"), choices=Role.choices)
    active = django_filters.BooleanFilter(label=_("active"), field_name="is_active")
    within = django_filters.CharFilter(
        label=_("within jurisdiction"), field_name="jurisdiction__code", lookup_expr="within"
    )

    class Meta:
        model = User
        fields = ["username", "role", "active", "within"]
