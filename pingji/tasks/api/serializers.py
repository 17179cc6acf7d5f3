from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.core.access import scope_code
from pingji.geo.models import Jurisdiction
from pingji.users.models import User

from ..actions import resolve_source
from ..kinds import kind_choices
from ..models import Task


class TaskSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    source_type = serializers.SerializerMethodField()
    evidence_file = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)
    next_escalation_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "jurisdiction",
            "jurisdiction_name",
            "department",
            "assignee",
            "deadline",
            "status",
            "is_overdue",
            "source_type",
            "source_id",
            "evidence",
            "evidence_file",
            "submitted_by",
            "submitted_at",
            "verified_by",
            "verified_at",
            "verification_note",
            "escalated_to",
            "escalated_at",
            "next_escalation_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_source_type(self, task: Task) -> str | None:
        if not task.source_type_id:
            return None
        return f"{task.source_type.app_label}.{task.source_type.model}"

    def get_evidence_file(self, task: Task) -> str | None:
        """A link to the scoped download, never the storage path."""
        if not task.evidence_file:
            return None
        url = reverse("tasks:evidence_file", args=[task.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class TaskCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=[])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.defer("boundary")
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True, default=None
    )
    deadline = serializers.DateTimeField()
    source_type = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("app_label.model, e.g. geo.place")
    )
    source_id = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        request = self.context.get("request")
        code = scope_code(request.user) if request else None
        if code is not None:  # users outside the caller's area answer as if absent
            self.fields["assignee"].queryset = User.objects.filter(
                is_active=True, jurisdiction__code__within=code
            )

    def validate(self, attrs):
        attrs["source"] = resolve_source(attrs.pop("source_type"), attrs.pop("source_id"))
        return attrs


class EvidenceSerializer(serializers.Serializer):
    evidence = serializers.CharField(allow_blank=True, help_text=_("What was done."))
    file = serializers.FileField(required=False, allow_null=True, default=None)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=20
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
