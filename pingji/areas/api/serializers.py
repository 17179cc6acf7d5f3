from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.geo.models import Jurisdiction, Place

from ..models import (
    Checkpoint,
    CheckpointDay,
    Evaluation,
    LiftingStep,
    Measure,
    MeasureChange,
    Publication,
    RiskArea,
    Transition,
)


class RiskAreaSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    places = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), many=True, required=False
    )
    jurisdictions = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(), many=True, required=False
    )
    effective_at = serializers.DateTimeField(write_only=True, required=False)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = RiskArea
        fields = [
            "id",
            "jurisdiction",
            "name",
            "level",
            "came_from",
            "status",
            "measures",
            "legal_basis",
            "protocol",
            "places",
            "jurisdictions",
            "decided_at",
            "decided_by",
            "effective_from",
            "level_since",
            "lifted_at",
            "effective_at",
            "reason",
        ]
        read_only_fields = [
            "came_from",
            "status",
            "protocol",
            "decided_by",
            "effective_from",
            "level_since",
            "lifted_at",
        ]
        extra_kwargs = {"measures": {"required": False}}


class ProposeSerializer(ScopedSerializer):
    to_level = serializers.CharField(allow_blank=True, max_length=12, help_text=_("Empty: lift."))
    effective_at = serializers.DateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    justification = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=200)


class TransitionSerializer(ScopedModelSerializer):
    class Meta:
        model = Transition
        fields = [
            "id",
            "area",
            "jurisdiction",
            "kind",
            "from_level",
            "to_level",
            "status",
            "protocol",
            "clause",
            "criteria_met",
            "evidence",
            "override",
            "justification",
            "reason",
            "legal_basis",
            "effective_at",
            "proposed_by",
            "proposed_at",
            "approved_by",
            "approved_at",
            "decision_note",
            "published_at",
            "publication",
        ]
        read_only_fields = fields


class DecisionSerializer(ScopedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class EvaluationSerializer(ScopedModelSerializer):
    class Meta:
        model = Evaluation
        fields = [
            "id",
            "area",
            "jurisdiction",
            "day",
            "level",
            "verdict",
            "to_level",
            "reasons",
            "evidence",
            "earliest_on",
            "eligible_since",
            "last_infection_on",
            "clause",
            "computed_at",
        ]
        read_only_fields = fields


class EvaluateSerializer(ScopedSerializer):
    day = serializers.DateField()
    within = serializers.CharField(required=False, allow_blank=True, max_length=15)


class PublicationSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Publication
        fields = [
            "id",
            "jurisdiction",
            "number",
            "published_at",
            "published_by",
            "areas",
            "checkpoints",
            "measures",
            "note",
        ]
        read_only_fields = ["number", "published_by", "areas", "checkpoints", "measures"]
        extra_kwargs = {"published_at": {"required": False}}


class CheckpointSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), required=False, allow_null=True
    )
    areas = serializers.PrimaryKeyRelatedField(
        queryset=RiskArea.objects.all(), many=True, required=False
    )

    class Meta:
        model = Checkpoint
        fields = [
            "id",
            "jurisdiction",
            "place",
            "name",
            "kind",
            "status",
            "rules",
            "test_within_hours",
            "areas",
            "legal_basis",
            "since",
        ]
        read_only_fields = ["status"]


class CheckpointDaySerializer(ScopedModelSerializer):
    class Meta:
        model = CheckpointDay
        fields = ["id", "checkpoint", "day", "vehicles", "persons", "turned_back", "note"]
        read_only_fields = ["checkpoint"]
        # A day's record needs its counts: the model's default 0 would record a figure nobody gave
        extra_kwargs = {f: {"required": True} for f in ("vehicles", "persons", "turned_back")}
        validators: list = []


class LiftingStepSerializer(ScopedModelSerializer):
    class Meta:
        model = LiftingStep
        fields = [
            "id",
            "checkpoint",
            "sequence",
            "to_status",
            "condition",
            "not_before",
            "rules",
            "done_at",
        ]
        read_only_fields = ["checkpoint", "sequence", "done_at"]


class MeasureSerializer(ScopedModelSerializer):
    """A society-wide measure; ``POST`` proposes its designation (docs/decisions/0047)."""

    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    # checked per kind by the action (``measure_settings.clean_setting``), not by the serializer
    kind = serializers.CharField(max_length=24)
    setting = serializers.JSONField()
    effective_at = serializers.DateTimeField(write_only=True, required=False)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "jurisdiction",
            "kind",
            "setting",
            "status",
            "legal_basis",
            "decided_at",
            "decided_by",
            "effective_from",
            "setting_since",
            "lifted_at",
            "effective_at",
            "reason",
        ]
        read_only_fields = [
            "status",
            "decided_by",
            "effective_from",
            "setting_since",
            "lifted_at",
        ]


class MeasureProposeSerializer(ScopedSerializer):
    kind = serializers.CharField(
        max_length=12, help_text=_("raise, step_down or lift (``MeasureChangeKind``).")
    )
    setting = serializers.JSONField(required=False, allow_null=True)
    decided_at = serializers.DateTimeField()
    effective_at = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MeasureChangeSerializer(ScopedModelSerializer):
    class Meta:
        model = MeasureChange
        fields = [
            "id",
            "measure",
            "jurisdiction",
            "kind",
            "from_setting",
            "to_setting",
            "status",
            "evidence",
            "reason",
            "legal_basis",
            "decided_at",
            "effective_at",
            "proposed_by",
            "proposed_at",
            "approved_by",
            "approved_at",
            "decision_note",
            "published_at",
            "publication",
        ]
        read_only_fields = fields
