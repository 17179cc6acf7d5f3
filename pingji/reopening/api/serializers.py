from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.geo.models import Jurisdiction

from ..choices import Department, OperatingState, ProblemCategory
from ..models import (
    Alert,
    Application,
    Establishment,
    Member,
    Plan,
    Problem,
    StatusChange,
    Survey,
    SurveyReturn,
    Target,
)


class EstablishmentSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Establishment
        fields = [
            "id",
            "kind",
            "name",
            "credit_code",
            "sector",
            "size",
            "workforce",
            "grades",
            "pupils",
            "address",
            "place",
            "jurisdiction",
            "key",
            "liaison",
            "status",
            "status_since",
            "created_at",
        ]
        read_only_fields = ["key", "liaison", "status", "status_since", "created_at"]
        validators: list = []  # the action checks duplicates and names the field

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():  # the action validates; the serializer only parses
            field.validators = []
        return fields


class MemberSerializer(ScopedModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "establishment", "person", "role", "group", "created_at"]


class StatusChangeSerializer(ScopedModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["id", "establishment", "previous", "status", "at", "reason", "clause", "actor"]


class SurveySerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Survey
        fields = ["id", "title", "jurisdiction", "kind", "opened_at", "due_at", "created_by"]
        read_only_fields = ["opened_at", "created_by"]


class SurveyReturnSerializer(ScopedModelSerializer):
    class Meta:
        model = SurveyReturn
        fields = [
            "id",
            "survey",
            "establishment",
            "state",
            "staff_in_controlled_areas",
            "staff_in_quarantine",
            "supply_problem",
            "permit_problem",
            "answered_at",
            "answered_by",
        ]
        read_only_fields = ["answered_at", "answered_by"]
        validators: list = []


class ApplicationSerializer(ScopedModelSerializer):
    class Meta:
        model = Application
        fields = [
            "id",
            "establishment",
            "checklist",
            "protocol",
            "clause",
            "applied_at",
            "inspected_at",
            "inspection_passed",
            "inspection_note",
            "decided_at",
            "approved",
            "decision_note",
        ]
        read_only_fields = fields


class PlanSerializer(ScopedModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "establishment", "measures", "updated_at"]


class ProblemSerializer(ScopedModelSerializer):
    deadline = serializers.DateTimeField(write_only=True)
    task_status = serializers.CharField(source="task.status", read_only=True, default="")
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    department = serializers.ChoiceField(choices=Department.choices)

    class Meta:
        model = Problem
        fields = [
            "id",
            "establishment",
            "category",
            "department",
            "description",
            "deadline",
            "task",
            "task_status",
            "raised_at",
            "raised_by",
        ]
        read_only_fields = ["task", "raised_at", "raised_by"]


class AlertSerializer(ScopedModelSerializer):
    class Meta:
        model = Alert
        fields = [
            "id",
            "establishment",
            "case",
            "role",
            "raised_at",
            "status",
            "decided_at",
            "finding",
            "closure_days",
            "closure_group",
        ]
        read_only_fields = fields


class TargetSerializer(ScopedModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "jurisdiction", "kind", "percent", "by"]


class ApplySerializer(ScopedSerializer):
    checklist = serializers.DictField(child=serializers.BooleanField())


class InspectSerializer(ScopedSerializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class DecideSerializer(ScopedSerializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PauseSerializer(ScopedSerializer):
    reason = serializers.CharField(max_length=300)


class AnswerSerializer(ScopedSerializer):
    state = serializers.ChoiceField(choices=OperatingState.choices)
