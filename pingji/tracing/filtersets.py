import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import InvestigationStatus, ProposalStatus
from .models import Contact, Exposure, Investigation, ProposedContact


class InvestigationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=InvestigationStatus.choices)
    case = django_filters.NumberFilter(label=_("case"), field_name="case_id")

    class Meta:
        model = Investigation
        fields = ["status", "case"]


class ExposureFilterSet(django_filters.FilterSet):
    investigation = django_filters.NumberFilter(
        label=_("investigation"), field_name="investigation_id"
    )

    class Meta:
        model = Exposure
        fields = ["investigation"]


class ContactFilterSet(ExposureFilterSet):
    class Meta:
        model = Contact
        fields = ["investigation", "tier", "setting"]


class ProposedContactFilterSet(ExposureFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ProposalStatus.choices)

    class Meta:
        model = ProposedContact
        fields = ["investigation", "status", "tier"]
