"""Direct-reporting API: cards (list, detail, update, file, export), extracts (list, detail,
import with its per-row report) and the reconciliation of a day. Reads through ``restrict``,
writes through ``actions``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet, StepActionsMixin
from pingji.protocols.models import COVID_19

from ..actions.cards import do_file_card, do_update_card
from ..actions.extracts import do_import_extract
from ..extracts import MAX_BYTES
from ..layout import export_cards
from ..models import ExternalRecord, Extract, ExtractCard, LabMessage, ReportCard
from ..reconcile import reconcile
from ..views import XLSX, with_status
from .serializers import (
    ExternalRecordSerializer,
    ExtractCardSerializer,
    ExtractSerializer,
    ExtractUploadSerializer,
    FileCardSerializer,
    LabMessageSerializer,
    ReconciliationQuerySerializer,
    ReportCardSerializer,
)


class ReportCardViewSet(StepActionsMixin, ScopedModelViewSet):
    """Report cards of the caller's area; ``?status=to_file|overdue|filed|to_revise|voided``.

    Cards are opened by the case's report and never created or deleted here: ``PATCH`` fills the
    card's own fields, ``file`` files it with the national system's card number (closing its
    task), ``export`` gives the card layout as Excel.
    """

    queryset = ReportCard.objects.all()
    serializer_class = ReportCardSerializer
    select_related = ("case__person",)
    http_method_names = ["get", "post", "patch", "head", "options"]
    step_actions = ("file",)

    def get_queryset(self):
        return with_status(super().get_queryset(), self.request.query_params.get("status", ""))

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = do_update_card(
            serializer.instance,
            actor=self.request.user,
            occupation=data.get("occupation"),
            reporting_unit=data.get("reporting_unit"),
            diagnosed_at=data.get("diagnosed_at"),
        )

    @extend_schema(request=FileCardSerializer, responses=ReportCardSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        """File the card with its national card number (the same number again changes nothing;
        another number for a filed card is 409)."""
        card = self.get_object()
        self._require("exchange.change_reportcard")
        body = FileCardSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        card = do_file_card(card, actor=request.user, **body.validated_data)
        return Response(ReportCardSerializer(card, context=self.get_serializer_context()).data)

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The cards (filtered as the list) in the card layout, one row a card."""
        data = export_cards(request.user, self.get_queryset())
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="report-cards.xlsx"'
        return response


class ExtractViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Extracts of the national system imported in the caller's area; ``POST`` imports one."""

    queryset = Extract.objects.all()
    serializer_class = ExtractSerializer
    parser_classes = [MultiPartParser]
    step_actions = ("create",)

    @extend_schema(request=ExtractUploadSerializer, responses=ExtractSerializer)
    def create(self, request):
        """Import an extract: 201 when applied, 200 when the same file was imported before
        (nothing changed), 400 with ``errors`` (row, field, reason) when any row is refused —
        then nothing is written."""
        self._require("exchange.add_extract")
        body = ExtractUploadSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise exceptions.ValidationError({"file": ["The file is too large."]})
        try:
            outcome = do_import_extract(upload.read(), name=upload.name, actor=request.user)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        if not outcome.ok:
            errors = [{"row": e.row, "field": e.field, "reason": e.reason} for e in outcome.errors]
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        body_out = ExtractSerializer(outcome.extract).data
        body_out.update(
            repeated=outcome.repeated,
            created=outcome.created,
            updated=outcome.updated,
            already=outcome.already,
            filed_now=outcome.filed,
            unmatched=outcome.unmatched,
        )
        code = status.HTTP_200_OK if outcome.repeated else status.HTTP_201_CREATED
        return Response(body_out, status=code)


class ReconciliationView(APIView):
    """``?on=YYYY-MM-DD&disease=covid-19``: each county's count in the extract and in Pingji,
    the difference, and the cards behind it."""

    @extend_schema(parameters=[ReconciliationQuerySerializer])
    def get(self, request):
        if not request.user.has_perm("exchange.view_extractcard"):
            raise exceptions.PermissionDenied()
        query = ReconciliationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data["on"]
        disease = query.validated_data.get("disease") or COVID_19
        lines = reconcile(request.user, day, disease)
        return Response(
            {"on": day.isoformat(), "disease": disease, "counties": [_line(x) for x in lines]}
        )


def _line(line) -> dict:
    return {
        "county": line.code,
        "name": line.name,
        "extract": line.extract,
        "pingji": line.pingji,
        "difference": line.difference,
        "extract_only": ExtractCardSerializer(line.extract_only, many=True).data,
        "pingji_only": [
            {"case": c.case_id, "card": c.pk, "card_number": c.card_number}
            for c in line.pingji_only
        ],
    }


class ExtractCardViewSet(ScopedReadOnlyViewSet):
    """The cards of the imported extracts, by the county they were reported in."""

    queryset = ExtractCard.objects.all()
    serializer_class = ExtractCardSerializer


class ExternalRecordViewSet(ScopedReadOnlyViewSet):
    """Partners' identifiers of the area's cases, as FHIR imports recorded them."""

    queryset = ExternalRecord.objects.all()
    serializer_class = ExternalRecordSerializer


class LabMessageViewSet(ScopedReadOnlyViewSet):
    """Lab result messages recorded for the area's people."""

    queryset = LabMessage.objects.all()
    serializer_class = LabMessageSerializer
