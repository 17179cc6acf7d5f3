from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.cases.models import Case
from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet, StepActionsMixin

from .. import chains
from ..actions.chains import do_create_cluster, do_link_cases
from ..actions.contacts import do_add_contact
from ..actions.dispatch import do_dispatch_person
from ..actions.dispatch_answers import (
    do_acknowledge_dispatch,
    do_export_dispatches,
    do_record_dispatch_outcome,
    told_by_reactions,
)
from ..actions.investigations import (
    do_complete_core,
    do_complete_report,
    do_open_investigation,
    do_record_exposure,
)
from ..actions.proposals import do_accept_proposal, do_reject_proposal, do_search_checkins
from ..actions.reported import do_register_and_resolve, do_report_contact, do_resolve_dispatch
from ..actions.secondary import do_derive_secondary_contacts
from ..filtersets import (
    ClusterFilterSet,
    ContactFilterSet,
    DispatchFilterSet,
    ExposureFilterSet,
    InvestigationFilterSet,
    LinkFilterSet,
    ProposedContactFilterSet,
    ReportedContactFilterSet,
)
from ..models import (
    Cluster,
    Contact,
    Dispatch,
    Exposure,
    Investigation,
    Link,
    ProposedContact,
    ReportedContact,
)
from .serializers import (
    ClusterSerializer,
    CompleteSerializer,
    ContactSerializer,
    DispatchExportSerializer,
    DispatchOutcomeSerializer,
    DispatchSerializer,
    ExposureSerializer,
    InvestigationSerializer,
    LinkSerializer,
    ProposedContactSerializer,
    RejectSerializer,
    ReportContactSerializer,
    ReportedContactSerializer,
    ResolveSerializer,
    SearchSerializer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STEP_ACTIONS = (
    "complete_core",
    "complete_report",
    "search_checkins",
    "accept",
    "reject",
    "acknowledge",
    "outcome",
    "export",
    "graph",
    "derive_secondary",
    "report_contact",
    "resolve",
)


class InvestigationViewSet(StepActionsMixin, ScopedModelViewSet):
    """Investigations within the caller's area, opened by ``POST {"case": id}``.

    Deadlines and the look-back window come from the protocol in force; ``complete_core`` and
    ``complete_report`` record progress, ``search_checkins`` queues the check-in search.
    """

    step_actions = STEP_ACTIONS
    queryset = Investigation.objects.all()
    serializer_class = InvestigationSerializer
    filterset_class = InvestigationFilterSet
    select_related = ("case", "protocol")
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = do_open_investigation(
            serializer.validated_data["case"], actor=self.request.user
        )

    def _complete(self, request, act):
        investigation = self.get_object()
        self._require("tracing.change_investigation")
        body = CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        act(investigation, actor=request.user, **body.validated_data)
        investigation.refresh_from_db()
        return Response(self.get_serializer(investigation).data)

    @extend_schema(request=CompleteSerializer, responses=InvestigationSerializer)
    @action(detail=True, methods=["post"])
    def complete_core(self, request, pk=None):
        """Record the core facts; closes the core-facts task."""
        return self._complete(request, do_complete_core)

    @extend_schema(request=CompleteSerializer, responses=InvestigationSerializer)
    @action(detail=True, methods=["post"])
    def complete_report(self, request, pk=None):
        """Record the full report."""
        return self._complete(request, do_complete_report)

    @extend_schema(request=SearchSerializer, responses={202: None})
    @action(detail=True, methods=["post"])
    def search_checkins(self, request, pk=None):
        """Queue the check-in search of the case's venue visits; answers the job's id."""
        investigation = self.get_object()
        self._require("tracing.change_investigation")
        body = SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = do_search_checkins(investigation, actor=request.user, **body.validated_data)
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ReportContactSerializer, responses={201: DispatchSerializer})
    @action(detail=True, methods=["post"])
    def report_contact(self, request, pk=None):
        """A contact living in another county, by particulars: dispatched there at once.

        The answer is the same whether or not, and wherever, the person is registered: nothing
        is looked up for the sender (decision 0042). The receiving county resolves it.
        """
        investigation = self.get_object()
        body = ReportContactSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        dispatch = do_report_contact(investigation, actor=request.user, **body.validated_data)
        data = DispatchSerializer(dispatch, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class ExposureViewSet(ScopedModelViewSet):
    queryset = Exposure.objects.all()
    serializer_class = ExposureSerializer
    filterset_class = ExposureFilterSet
    select_related = ("place",)
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        investigation = data.pop("investigation")
        serializer.instance = do_record_exposure(investigation, actor=self.request.user, **data)


class ContactViewSet(StepActionsMixin, ScopedModelViewSet):
    step_actions = STEP_ACTIONS
    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    select_related = ("person",)
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        investigation = data.pop("investigation")
        serializer.instance = do_add_contact(investigation, actor=self.request.user, **data)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def derive_secondary(self, request, pk=None):
        """A close contact's household as secondary contacts, and the search of their venues."""
        contact = self.get_object()
        self._require("tracing.add_contact")
        added, queued = do_derive_secondary_contacts(contact, actor=request.user)
        return Response(
            {
                "added": ContactSerializer(
                    added, many=True, context=self.get_serializer_context()
                ).data,
                "job": queued.pk if queued else None,
            }
        )


class ReportedContactViewSet(ScopedReadOnlyViewSet):
    """Contacts living elsewhere, as the investigations of the caller's area reported them;
    recorded with ``POST investigations/{id}/report_contact/`` (decision 0042)."""

    queryset = ReportedContact.objects.all()
    serializer_class = ReportedContactSerializer
    filterset_class = ReportedContactFilterSet


class ProposedContactViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Proposals of the check-in search; ``accept`` makes one a contact, ``reject`` says why not."""

    step_actions = STEP_ACTIONS
    queryset = ProposedContact.objects.all()
    serializer_class = ProposedContactSerializer
    filterset_class = ProposedContactFilterSet

    @extend_schema(request=None, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        proposal = self.get_object()
        self._require("tracing.change_proposedcontact")
        contact = do_accept_proposal(proposal, actor=request.user)
        return Response(ContactSerializer(contact, context=self.get_serializer_context()).data)

    @extend_schema(request=RejectSerializer, responses=ProposedContactSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = self.get_object()
        self._require("tracing.change_proposedcontact")
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = do_reject_proposal(proposal, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(proposal).data)


class DispatchViewSet(StepActionsMixin, ScopedModelViewSet):
    """Dispatches (协查): the receiving county's inbox, and the status of what the caller sent.

    ``POST {"contact": id, "to_jurisdiction": "350206", "reason": …}`` dispatches a contact (or
    ``person``; ``to_region`` for a county of another province). The receiver answers with
    ``acknowledge`` and ``outcome``; the sender sees the status fields only (decision 0008).
    ``export`` writes open out-of-province dispatches to an .xlsx and marks them exported.
    """

    step_actions = STEP_ACTIONS
    queryset = Dispatch.objects.all()
    serializer_class = DispatchSerializer
    filterset_class = DispatchFilterSet
    select_related = ("person", "sender", "reported")
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        contact = data.get("contact")
        serializer.instance = do_dispatch_person(
            contact.person if contact else data["person"],
            to_jurisdiction=data.get("to_jurisdiction"),
            to_region=data.get("to_region", ""),
            reason=data.get("reason", ""),
            source=contact,
            actor=self.request.user,
        )

    @extend_schema(request=None, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The receiving county has seen the dispatch."""
        dispatch = do_acknowledge_dispatch(self.get_object(), actor=request.user)
        return Response(self.get_serializer(dispatch).data)

    @extend_schema(request=ResolveSerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """The receiving county names the resident a reported contact is (``person``), or
        registers them in one of its grids from the particulars (``grid``, ``name``)."""
        dispatch = self.get_object()
        body = ResolveSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("person") is not None:
            dispatch = do_resolve_dispatch(dispatch, actor=request.user, person=data["person"])
        else:
            dispatch = do_register_and_resolve(
                dispatch, actor=request.user, grid=data["grid"], name=data.get("name", "")
            )
        return Response(self.get_serializer(dispatch).data)

    @extend_schema(request=DispatchOutcomeSerializer, responses=DispatchSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Located, controlled, unreachable, or not our resident (with the reason).

        ``notices`` says what the answer's consequences skipped, and why: "controlled" that places
        nobody (already placed, a case by now, the regime over or none) says so there.
        """
        dispatch = self.get_object()
        body = DispatchOutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dispatch = do_record_dispatch_outcome(dispatch, actor=request.user, **body.validated_data)
        notices = [
            {"kind": e.kind, "reason": (e.payload or {}).get("reason", ""), "message": e.text}
            for e in told_by_reactions(dispatch)
        ]
        return Response({**self.get_serializer(dispatch).data, "notices": notices})

    @extend_schema(request=DispatchExportSerializer, responses={(200, XLSX): bytes})
    @action(detail=False, methods=["post"])
    def export(self, request):
        """Open out-of-province dispatches of the caller's area, as an .xlsx in the list layout."""
        self._require("tracing.change_dispatch")
        body = DispatchExportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = Dispatch.objects.restrict(request.user, "change").filter(
            pk__in=body.validated_data["dispatches"]
        )
        content = do_export_dispatches(
            list(rows) or [Dispatch(pk=pk) for pk in body.validated_data["dispatches"]],
            actor=request.user,
            reveal_reason=body.validated_data.get("reveal_reason", ""),
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="dispatches.xlsx"'
        return response


class LinkViewSet(ScopedModelViewSet):
    """Infector → infectee links within the caller's area; ``graph`` gives nodes and edges."""

    queryset = Link.objects.all()
    serializer_class = LinkSerializer
    filterset_class = LinkFilterSet
    select_related = ("cluster",)
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = do_link_cases(
            data.pop("infector"), data.pop("infectee"), actor=self.request.user, **data
        )

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"])
    def graph(self, request):
        """The transmission graph of the caller's area (nodes with generations, edges)."""
        links = list(self.filter_queryset(self.get_queryset()))
        ids = {x.infector_id for x in links} | {x.infectee_id for x in links}
        cases = Case.objects.restrict(request.user).filter(pk__in=ids).select_related("person")
        return Response(chains.graph(links, cases))


class ClusterViewSet(ScopedModelViewSet):
    queryset = Cluster.objects.all()
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = do_create_cluster(
            data.pop("name"), jurisdiction=data.pop("jurisdiction"), actor=self.request.user, **data
        )
