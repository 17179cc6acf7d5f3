from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..choices import Mode, ResponseLevel
from ..models import Meeting, ModeSwitch


class ModeSwitchSerializer(ScopedModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = ModeSwitch
        fields = [
            "id",
            "jurisdiction",
            "jurisdiction_name",
            "mode",
            "level",
            "reason",
            "decided_by",
            "effective_at",
        ]
        read_only_fields = fields


class SwitchModeSerializer(ScopedSerializer):
    jurisdiction = serializers.CharField(max_length=15)
    mode = serializers.ChoiceField(choices=Mode.choices)
    level = serializers.ChoiceField(choices=ResponseLevel.choices, required=False, allow_blank=True)
    reason = serializers.CharField()
    effective_at = serializers.DateTimeField(required=False)


class ModeInForceSerializer(ScopedSerializer):
    jurisdiction = serializers.CharField()
    mode = serializers.CharField()
    level = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)
    switch = serializers.IntegerField(allow_null=True)
    inherited_from = serializers.CharField(allow_null=True)


class MeetingSerializer(ScopedModelSerializer):
    directives = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "jurisdiction",
            "body",
            "title",
            "held_at",
            "chaired_by",
            "attendees",
            "minutes",
            "directives",
        ]
        read_only_fields = ["id", "directives"]
        extra_kwargs: dict[str, dict] = {"jurisdiction": {"validators": []}}
