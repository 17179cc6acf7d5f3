import django_filters
from django.utils.translation import gettext_lazy as _

from pingji.core.access import scope_code
from pingji.protocols.models import diseases_to_choose

from .choices import DispatchStatus, InvestigationStatus, ProposalStatus
from .models import (
    Cluster,
    Contact,
    Dispatch,
    Exposure,
    Investigation,
    Link,
    ProposedContact,
    ReportedContact,
)


class InvestigationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=InvestigationStatus.choices)
    case = django_filters.NumberFilter(label=_("case"), field_name="case_id")
    disease = django_filters.ModelChoiceFilter(
        label=_("disease"), queryset=diseases_to_choose(), field_name="case__disease"
    )

    class Meta:
        model = Investigation
        fields = ["status", "case", "disease"]


class ExposureFilterSet(django_filters.FilterSet):
    """A contact's disease is its source case's (decision 0041): no copy on the contact."""

    investigation = django_filters.NumberFilter(
        label=_("investigation"), field_name="investigation_id"
    )
    disease = django_filters.ModelChoiceFilter(
        label=_("disease"),
        queryset=diseases_to_choose(),
        field_name="investigation__case__disease",
    )

    class Meta:
        model = Exposure
        fields = ["investigation", "disease"]


class ContactFilterSet(ExposureFilterSet):
    class Meta:
        model = Contact
        fields = ["investigation", "disease", "tier", "setting"]


class ReportedContactFilterSet(ExposureFilterSet):
    class Meta:
        model = ReportedContact
        fields = ["investigation", "disease", "tier", "setting"]


class ProposedContactFilterSet(ExposureFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ProposalStatus.choices)

    class Meta:
        model = ProposedContact
        fields = ["investigation", "disease", "status", "tier"]


class DispatchFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=DispatchStatus.choices)
    direction = django_filters.ChoiceFilter(
        label=_("direction"),
        choices=[("received", _("received")), ("sent", _("sent"))],
        method="filter_direction",
    )
    in_province = django_filters.BooleanFilter(label=_("in province"))

    class Meta:
        model = Dispatch
        fields = ["status", "in_province"]

    def filter_direction(self, queryset, name, value):
        """Received: what the user's area must work; sent: what it pushed elsewhere."""
        code = scope_code(getattr(self.request, "user", None)) or ""
        if value == "received":
            return queryset.received_by(code)
        return queryset.sent_by(code).exclude(jurisdiction__code__within=code) if code else queryset


class LinkFilterSet(django_filters.FilterSet):
    cluster = django_filters.NumberFilter(label=_("cluster"), field_name="cluster_id")
    infector = django_filters.NumberFilter(label=_("infector"), field_name="infector_id")

    class Meta:
        model = Link
        fields = ["cluster", "infector", "evidence"]


class ClusterFilterSet(django_filters.FilterSet):
    class Meta:
        model = Cluster
        fields = ["setting"]
