import django_filters
from django.utils.translation import gettext_lazy as _

from . import catalogue
from .choices import Channel, Status
from .models import Message, OptOut


def _template_choices():
    return [(key, key) for key in sorted(catalogue.REGISTRY)]


class MessageFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Status.choices)
    template = django_filters.ChoiceFilter(label=_("template"), choices=_template_choices)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)

    class Meta:
        model = Message
        fields = ["status", "template", "channel"]


class OptOutFilterSet(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)

    class Meta:
        model = OptOut
        fields = ["channel"]
