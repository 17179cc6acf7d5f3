from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import actions, proposals
from ..filtersets import (
    ContactFilterSet,
    ExposureFilterSet,
    InvestigationFilterSet,
    ProposedContactFilterSet,
)
from ..models import Contact, Exposure, Investigation, ProposedContact
from .serializers import (
    CompleteSerializer,
    ContactSerializer,
    ExposureSerializer,
    InvestigationSerializer,
    ProposedContactSerializer,
    RejectSerializer,
    SearchSerializer,
)

STEP_ACTIONS = ("complete_core", "complete_report", "search_checkins", "accept", "reject")


class _Steps:
    """POSTs that change an object need ``change_…``, not ``add_…``: checked in the step."""

    def get_permissions(self):
        if self.action in STEP_ACTIONS:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def _require(self, perm: str) -> None:
        if not self.request.user.has_perm(perm):
            raise exceptions.PermissionDenied()


class InvestigationViewSet(_Steps, ScopedModelViewSet):
    """Investigations within the caller's area, opened by ``POST {"case": id}``.

    Deadlines and the look-back window come from the protocol in force; ``complete_core`` and
    ``complete_report`` record progress, ``search_checkins`` queues the check-in search.
    """

    queryset = Investigation.objects.all()
    serializer_class = InvestigationSerializer
    filterset_class = InvestigationFilterSet
    select_related = ("case", "protocol")
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = actions.do_open_investigation(
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
        return self._complete(request, actions.do_complete_core)

    @extend_schema(request=CompleteSerializer, responses=InvestigationSerializer)
    @action(detail=True, methods=["post"])
    def complete_report(self, request, pk=None):
        """Record the full report."""
        return self._complete(request, actions.do_complete_report)

    @extend_schema(request=SearchSerializer, responses={202: None})
    @action(detail=True, methods=["post"])
    def search_checkins(self, request, pk=None):
        """Queue the check-in search of the case's venue visits; answers the job's id."""
        investigation = self.get_object()
        self._require("tracing.change_investigation")
        body = SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = proposals.do_search_checkins(investigation, actor=request.user, **body.validated_data)
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class ExposureViewSet(ScopedModelViewSet):
    queryset = Exposure.objects.all()
    serializer_class = ExposureSerializer
    filterset_class = ExposureFilterSet
    select_related = ("place",)
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        investigation = data.pop("investigation")
        serializer.instance = actions.do_record_exposure(
            investigation, actor=self.request.user, **data
        )


class ContactViewSet(ScopedModelViewSet):
    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    select_related = ("person",)
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        investigation = data.pop("investigation")
        serializer.instance = actions.do_add_contact(investigation, actor=self.request.user, **data)


class ProposedContactViewSet(_Steps, ScopedReadOnlyViewSet):
    """Proposals of the check-in search; ``accept`` makes one a contact, ``reject`` says why not."""

    queryset = ProposedContact.objects.all()
    serializer_class = ProposedContactSerializer
    filterset_class = ProposedContactFilterSet

    @extend_schema(request=None, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        proposal = self.get_object()
        self._require("tracing.change_proposedcontact")
        contact = proposals.do_accept_proposal(proposal, actor=request.user)
        return Response(ContactSerializer(contact, context=self.get_serializer_context()).data)

    @extend_schema(request=RejectSerializer, responses=ProposedContactSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = self.get_object()
        self._require("tracing.change_proposedcontact")
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = proposals.do_reject_proposal(proposal, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(proposal).data)
