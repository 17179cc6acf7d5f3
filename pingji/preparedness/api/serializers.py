from rest_framework import serializers

from pingji.command.choices import ResponseLevel
from pingji.core import uploads
from pingji.core.api.serializers import (
    ColleagueField,
    ScopedModelSerializer,
    ScopedSerializer,
    UnscopedRelatedField,
)
from pingji.geo.models import Jurisdiction
from pingji.protocols.models import Protocol

from ..actions.surveillance import MAX_UPLOAD_BYTES
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


class SiteSerializer(ScopedModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = SurveillanceSite
        fields = ["id", "jurisdiction", "name", "kind", "signal", "active"]


class ReportSerializer(ScopedModelSerializer):
    class Meta:
        model = SurveillanceReport
        fields = ["id", "jurisdiction", "site", "day", "value", "source"]
        read_only_fields = fields


class ReportRowSerializer(ScopedSerializer):
    day = serializers.CharField()
    count = serializers.CharField()


class ReportBatchSerializer(ScopedSerializer):
    site = serializers.PrimaryKeyRelatedField(queryset=SurveillanceSite.objects.all())
    rows = ReportRowSerializer(many=True)


class UploadSerializer(ScopedSerializer):
    file = serializers.FileField(validators=[uploads.size_limit(MAX_UPLOAD_BYTES)])


class RuleSerializer(ScopedModelSerializer):
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


class AlertSerializer(ScopedModelSerializer):
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


class SwitchSerializer(ScopedSerializer):
    level = serializers.ChoiceField(choices=ResponseLevel.choices)
    reason = serializers.CharField()


class DismissSerializer(ScopedSerializer):
    note = serializers.CharField()


class EvaluateSerializer(ScopedSerializer):
    day = serializers.DateField()


class CourseSerializer(ScopedModelSerializer):
    jurisdiction = JURISDICTION

    class Meta:
        model = Course
        fields = ["id", "jurisdiction", "title", "role", "held_on", "hours"]


class AttendanceSerializer(ScopedModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "jurisdiction", "course", "user", "passed"]
        read_only_fields = fields


class AttendeesSerializer(ScopedSerializer):
    users = ColleagueField(many=True)
    passed = serializers.BooleanField(default=True)


class DrillSerializer(ScopedModelSerializer):
    jurisdiction = JURISDICTION
    # a joint drill names a partner outside the organiser's area, by design
    partner = UnscopedRelatedField(
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
            "disease",
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


class DrillProtocolSerializer(ScopedSerializer):
    protocol = serializers.PrimaryKeyRelatedField(queryset=Protocol.objects.all(), allow_null=True)


class DrillStepSerializer(ScopedModelSerializer):
    class Meta:
        model = DrillStepRecord
        fields = ["id", "jurisdiction", "drill", "step", "done_at"]
        read_only_fields = fields


class StepBodySerializer(ScopedSerializer):
    step = serializers.ChoiceField(choices=DrillStep.choices)
    done_at = serializers.DateTimeField()


class AtSerializer(ScopedSerializer):
    at = serializers.DateTimeField(required=False)


class FindingSerializer(ScopedModelSerializer):
    class Meta:
        model = DrillFinding
        fields = ["id", "jurisdiction", "drill", "text", "task"]
        read_only_fields = fields


class FindingBodySerializer(ScopedSerializer):
    text = serializers.CharField(max_length=500)
    deadline = serializers.DateTimeField()


class ReadinessSerializer(ScopedSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    name = serializers.CharField(source="jurisdiction.name")
    score = serializers.IntegerField()
    parts = serializers.DictField(child=serializers.IntegerField())
    lowered_by = serializers.ListField(child=serializers.CharField())
