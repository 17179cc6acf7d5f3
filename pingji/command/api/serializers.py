from rest_framework import serializers

from ..choices import Mode, ResponseLevel
from ..models import Meeting, ModeSwitch


class ModeSwitchSerializer(serializers.ModelSerializer):
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


class SwitchModeSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(max_length=15)
    mode = serializers.ChoiceField(choices=Mode.choices)
    level = serializers.ChoiceField(choices=ResponseLevel.choices, required=False, allow_blank=True)
    reason = serializers.CharField()
    effective_at = serializers.DateTimeField(required=False)


class ModeInForceSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField()
    mode = serializers.CharField()
    level = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)
    switch = serializers.IntegerField(allow_null=True)
    inherited_from = serializers.CharField(allow_null=True)


class MeetingSerializer(serializers.ModelSerializer):
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
        extra_kwargs = {"jurisdiction": {"validators": []}}
