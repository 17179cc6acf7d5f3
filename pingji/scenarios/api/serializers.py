from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..models import Run, Scenario


class ScenarioSerializer(ScopedModelSerializer):
    """A scenario; ``plan`` is checked by the action, whatever JSON arrives (400, never 500)."""

    jurisdiction = serializers.CharField(max_length=15)
    plan = serializers.JSONField()

    class Meta:
        model = Scenario
        fields = ["id", *Scenario.GIVEN, "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            "days": {"min_value": None, "max_value": None},
            "runs": {"min_value": None, "max_value": None},
            "seed": {"required": False},
            "importation": {"required": False},
            "stay_days": {"required": False},
            "vaccinated_share": {"required": False},
            "vaccinated_from_age": {"required": False, "min_value": None, "max_value": None},
        }


class RunSerializer(ScopedModelSerializer):
    class Meta:
        model = Run
        fields = [
            "id",
            "scenario",
            "jurisdiction",
            "status",
            "job",
            "inputs",
            "results",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class RunListSerializer(ScopedModelSerializer):
    """A run without its arrays, for lists."""

    class Meta:
        model = Run
        fields = ["id", "scenario", "jurisdiction", "status", "job", "created_at", "finished_at"]
        read_only_fields = fields


class AttachSerializer(ScopedSerializer):
    target = serializers.ChoiceField(choices=["transition", "measurechange"])
    proposal = serializers.IntegerField(min_value=1)
