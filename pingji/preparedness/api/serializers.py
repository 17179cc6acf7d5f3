from rest_framework import serializers

from pingji.command.choices import ResponseLevel
from pingji.core import uploads
from pingji.geo.models import Jurisdiction
from pingji.protocols.models import Protocol
from pingji.users.models import User

from .. import surveillance
from ..choices import DrillStep
from ..models import (
    Alert,
    Attendance,
    Course,
    Drill,
    DrillFinding,
    DrillStepRecord,
    SurveillanceReport,
    SurveillanceSite,
    WarningRule,
)

JURISDICTION = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.real())


class SiteSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = SurveillanceSite
        fields = ["id", "jurisdiction", "name", "kind", "signal", "active"]


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveillanceReport
        fields = ["id", "jurisdiction", "site", "day", "value", "source"]
        read_only_fields = fields


class ReportRowSerializer(serializers.Serializer):
    day = serializers.CharField()
    count = serializers.CharField()


class ReportBatchSerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=SurveillanceSite.objects.all())
    rows = ReportRowSerializer(many=True)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(validators=[uploads.size_limit(surveillance.MAX_UPLOAD_BYTES)])


class RuleSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = WarningRule
        fields = [
            "id",
            "jurisdiction",
            "signal",
            "baseline_weeks",
            "ratio",
            "min_increase",
            "active",
        ]
        validators: list = []


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = [
            "id",
            "jurisdiction",
            "rule",
            "day",
            "value",
            "baseline",
            "status",
            "task",
            "mode_switch",
            "note",
        ]
        read_only_fields = fields


class SwitchSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ResponseLevel.choices)
    reason = serializers.CharField()


class DismissSerializer(serializers.Serializer):
    note = serializers.CharField()


class EvaluateSerializer(serializers.Serializer):
    day = serializers.DateField()


class CourseSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = Course
        fields = ["id", "jurisdiction", "title", "role", "held_on", "hours"]


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "jurisdiction", "course", "user", "passed"]
        read_only_fields = fields


class AttendeesSerializer(serializers.Serializer):
    users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    passed = serializers.BooleanField(default=True)


class DrillSerializer(serializers.ModelSerializer):
    jurisdiction = JURISDICTION
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.real(), required=False, allow_null=True
    )
    # any loaded version: the action says why one cannot be drilled
    protocol = serializers.PrimaryKeyRelatedField(
        queryset=Protocol.objects.all(), required=False, allow_null=True
    )
    protocol_name = serializers.StringRelatedField(source="protocol", read_only=True)

    class Meta:
        model = Drill
        fields = [
            "id",
            "jurisdiction",
            "title",
            "kind",
            "scenario",
            "participants",
            "planned_for",
            "partner",
            "protocol",
            "protocol_name",
            "status",
            "sandbox_code",
            "partner_sandbox_code",
            "started_at",
            "finished_at",
            "score",
            "report",
        ]
        read_only_fields = [
            "status",
            "sandbox_code",
            "partner_sandbox_code",
            "started_at",
            "finished_at",
            "score",
            "report",
        ]


class DrillProtocolSerializer(serializers.Serializer):
    protocol = serializers.PrimaryKeyRelatedField(queryset=Protocol.objects.all(), allow_null=True)


class DrillStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrillStepRecord
        fields = ["id", "jurisdiction", "drill", "step", "done_at"]
        read_only_fields = fields


class StepBodySerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=DrillStep.choices)
    done_at = serializers.DateTimeField()


class AtSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False)


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrillFinding
        fields = ["id", "jurisdiction", "drill", "text", "task"]
        read_only_fields = fields


class FindingBodySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    deadline = serializers.DateTimeField()


class ReadinessSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    name = serializers.CharField(source="jurisdiction.name")
    score = serializers.IntegerField()
    parts = serializers.DictField(child=serializers.IntegerField())
    lowered_by = serializers.ListField(child=serializers.CharField())
