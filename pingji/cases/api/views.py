from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.core.api.base import ScopedModelViewSet
from pingji.people.models import Person

from ..actions.course import do_reclassify_case, do_record_outcome, do_update_case, do_void_case
from ..actions.reports import do_report_case, do_report_case_for_identity
from ..filtersets import CaseFilterSet
from ..models import Case
from .serializers import (
    CaseSerializer,
    CaseUpdateSerializer,
    OutcomeSerializer,
    ReclassifySerializer,
    VoidSerializer,
)

IDENTITY_FIELDS = ("id_number", "name", "phone", "grid")


class CaseViewSet(ScopedModelViewSet):
    """Cases within the caller's area, filtered like the list page.

    Reported through ``POST`` (by person id, or by identity number with a grid for someone not yet
    registered), corrected through ``PATCH``, moved on through ``reclassify`` and ``outcome``.
    A case is never deleted: a wrong one is ruled out, corrected or voided (``void``, 核减: kept,
    marked voided, subtracted from the totals from the day of the void), and the change log
    keeps every version.
    """

    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    select_related = ("person",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        """Of the person, a case shows the name and the masked number only."""
        unread = [
            f"person__{f.name}"
            for f in Person._meta.concrete_fields
            if f.name not in ("id", "name", "id_number_masked")
        ]
        return super().get_queryset().defer(*unread)

    def get_serializer_class(self):
        return CaseUpdateSerializer if self.action == "partial_update" else CaseSerializer

    def get_permissions(self):
        if self.action in ("reclassify", "outcome", "void"):  # POSTs needing change_case
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        identity = {k: data.pop(k) for k in IDENTITY_FIELDS if k in data}
        user = self.request.user
        if "person" in data:
            serializer.instance = do_report_case(actor=user, **data)
        else:
            serializer.instance = do_report_case_for_identity(
                actor=user,
                id_number=identity["id_number"],
                name=identity.get("name", ""),
                phone=identity.get("phone", ""),
                jurisdiction=identity.get("grid"),
                **data,
            )

    def perform_update(self, serializer):
        serializer.instance = do_update_case(
            serializer.instance, serializer.validated_data, actor=self.request.user
        )

    def _step(self, request, body_class, act):
        case = self.get_object()
        if not request.user.has_perm("cases.change_case"):
            raise exceptions.PermissionDenied()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        case = act(case, actor=request.user, **body.validated_data)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=ReclassifySerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def reclassify(self, request, pk=None):
        """Reclassify; asymptomatic → confirmed is a new confirmed case, not a new infection, and
        confirmed → asymptomatic (订正, a revised diagnosis) takes the confirmed case back. Either
        way needs a ``reason``."""
        return self._step(request, ReclassifySerializer, do_reclassify_case)

    @extend_schema(request=VoidSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void a case reported in error (核减) with the reason: duplicate report, misdiagnosis,
        not a local case, or other (with ``reason_text``). Subtracted from the totals from today;
        a voided case cannot be voided again (409), corrected, reclassified or closed."""
        return self._step(request, VoidSerializer, do_void_case)

    @extend_schema(request=OutcomeSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record recovery/discharge or death."""
        return self._step(request, OutcomeSerializer, do_record_outcome)
