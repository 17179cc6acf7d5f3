from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..choices import Occupation
from ..models import (
    CARD_NUMBER_LENGTH,
    ExternalRecord,
    Extract,
    ExtractCard,
    LabMessage,
    ReportCard,
)


class ReportCardSerializer(ScopedModelSerializer):
    """A card as the caller may read it: the person by name and masked number, nothing plain."""

    person_name = serializers.CharField(source="case.person.name", read_only=True)
    id_number_masked = serializers.CharField(source="case.person.id_number_masked", read_only=True)
    disease = serializers.CharField(source="case.disease_id", read_only=True)
    status = serializers.CharField(read_only=True)
    occupation = serializers.ChoiceField(choices=Occupation.choices, required=False)

    class Meta:
        model = ReportCard
        fields = [
            "id",
            "case",
            "person_name",
            "id_number_masked",
            "disease",
            "classification",
            "filed_classification",
            "status",
            "occupation",
            "reporting_unit",
            "diagnosed_at",
            "due_at",
            "card_number",
            "filed_at",
            "voided_at",
        ]
        read_only_fields = [
            "case",
            "classification",
            "filed_classification",
            "due_at",
            "card_number",
            "filed_at",
            "voided_at",
        ]


class FileCardSerializer(ScopedSerializer):
    card_number = serializers.CharField(max_length=CARD_NUMBER_LENGTH)
    filed_at = serializers.DateTimeField(required=False, help_text=_("Default: now."))
    occupation = serializers.ChoiceField(choices=Occupation.choices, required=False)
    reporting_unit = serializers.CharField(max_length=200, required=False)
    diagnosed_at = serializers.DateTimeField(required=False)


class ExtractSerializer(ScopedModelSerializer):
    class Meta:
        model = Extract
        fields = ["id", "name", "sha256", "rows", "filed", "already", "imported_at"]
        read_only_fields = fields


class ExtractUploadSerializer(ScopedSerializer):
    file = serializers.FileField()


class ExtractCardSerializer(ScopedModelSerializer):
    class Meta:
        model = ExtractCard
        fields = [
            *("id", "extract", "card_number", "county", "disease", "classification"),
            *("diagnosed_at", "case"),
        ]
        read_only_fields = fields


class ExternalRecordSerializer(ScopedModelSerializer):
    """A partner's identifier of a case (FHIR upsert by identifier)."""

    class Meta:
        model = ExternalRecord
        fields = ["id", "system", "value", "case", "updated_at"]
        read_only_fields = fields


class LabMessageSerializer(ScopedModelSerializer):
    """A lab result message recorded once (its identifier, the person, the result)."""

    class Meta:
        model = LabMessage
        fields = ["id", "system", "value", "person", "result", "sampled_at", "recorded_at"]
        read_only_fields = fields


class ReconciliationQuerySerializer(ScopedSerializer):
    on = serializers.DateField()
    disease = serializers.CharField(required=False, max_length=40)
