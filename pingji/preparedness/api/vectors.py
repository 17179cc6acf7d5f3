"""Mosquito larval surveys over the API: listed within the caller's area, recorded through the
action (``actions.vectors``) so the API refuses what the form refuses, with the same reasons.

The body takes the counts as text on purpose: the action says why a count is wrong (a word, a
negative, a fraction) in one voice for the form, the API and the upload.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from pingji.core import uploads
from pingji.core.api.base import ScopedModelViewSet
from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..actions.surveillance import MAX_UPLOAD_BYTES
from ..actions.vectors import do_record_survey, do_upload_surveys
from ..choices import ReportSource
from ..models import VectorSurvey


class VectorSurveySerializer(ScopedModelSerializer):
    grid = serializers.CharField(source="jurisdiction_id", read_only=True)
    breteau_index = serializers.FloatField(read_only=True)
    house_index = serializers.FloatField(read_only=True)

    class Meta:
        model = VectorSurvey
        fields = [
            "id",
            "grid",
            "day",
            "houses_inspected",
            "houses_positive",
            "containers_positive",
            "breteau_index",
            "house_index",
            "source",
            "recorded_by",
            "task",
        ]
        read_only_fields = fields


class VectorSurveyBodySerializer(ScopedSerializer):
    grid = serializers.CharField(max_length=40, help_text="the grid's jurisdiction code")
    day = serializers.CharField(max_length=40, help_text="YYYY-MM-DD")
    houses_inspected = serializers.CharField(max_length=40)
    houses_positive = serializers.CharField(max_length=40)
    containers_positive = serializers.CharField(max_length=40)


class VectorReadingSerializer(VectorSurveySerializer):
    """A survey just recorded, with what it reads under the rules (no rule: empty index)."""

    index = serializers.SerializerMethodField()
    index_value = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    response = serializers.SerializerMethodField()
    target_below = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()

    class Meta(VectorSurveySerializer.Meta):
        fields = [
            *VectorSurveySerializer.Meta.fields,
            "index",
            "index_value",
            "level",
            "response",
            "target_below",
            "answer",
        ]
        read_only_fields = fields

    def _reading(self):
        return self.context["recorded"].reading

    def get_index(self, _obj) -> str:
        return self._reading().index if self._reading() else ""

    def get_index_value(self, _obj) -> float | None:
        return round(self._reading().value, 2) if self._reading() else None

    def get_level(self, _obj) -> str:
        return self._reading().level_name if self._reading() else ""

    def get_response(self, _obj) -> list[str]:
        return self._reading().response if self._reading() else []

    def get_target_below(self, _obj) -> int | None:
        return self._reading().target_below if self._reading() else None

    def get_answer(self, _obj) -> str:
        return self.context["recorded"].answer


class VectorUploadSerializer(ScopedSerializer):
    file = serializers.FileField(validators=[uploads.size_limit(MAX_UPLOAD_BYTES)])


class VectorSurveyViewSet(ScopedModelViewSet):
    """Larval surveys of the caller's area; POST records one (``upload``: a CSV of them)."""

    queryset = VectorSurvey.objects.all()
    serializer_class = VectorSurveySerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["day"]

    @extend_schema(request=VectorSurveyBodySerializer, responses={201: VectorReadingSerializer})
    def create(self, request, *args, **kwargs):
        body = VectorSurveyBodySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        recorded = do_record_survey(
            **body.validated_data, actor=request.user, source=ReportSource.API
        )
        out = VectorReadingSerializer(recorded.survey, context={"recorded": recorded})
        return Response(out.data, status=201)

    @extend_schema(request=VectorUploadSerializer, responses={201: None})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        body = VectorUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        recorded = do_upload_surveys(body.validated_data["file"], actor=request.user)
        return Response({"recorded": recorded}, status=201)
