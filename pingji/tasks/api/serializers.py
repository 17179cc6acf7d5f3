from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.core.api.serializers import (
    ColleagueField,
    ScopedModelSerializer,
    ScopedSerializer,
)
from pingji.geo.models import Jurisdiction

from ..actions.work import resolve_source
from ..kinds import kind_choices
from ..models import Task


class TaskSerializer(ScopedModelSerializer):
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
        """From the process's cache of content types, not a join per row."""
        if task.source_type_id is None:
            return None
        source = ContentType.objects.get_for_id(task.source_type_id)
        return f"{source.app_label}.{source.model}"

    def get_evidence_file(self, task: Task) -> str | None:
        """A link to the scoped download, never the storage path."""
        if not task.evidence_file:
            return None
        url = reverse("tasks:evidence_file", args=[task.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class TaskCreateSerializer(ScopedSerializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=[])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.defer("boundary")
    )
    assignee = ColleagueField(required=False, allow_null=True, default=None)
    deadline = serializers.DateTimeField()
    source_type = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("app_label.model, e.g. geo.place")
    )
    source_id = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()

    def validate(self, attrs):
        attrs["source"] = resolve_source(attrs.pop("source_type"), attrs.pop("source_id"))
        return attrs


class EvidenceSerializer(ScopedSerializer):
    evidence = serializers.CharField(allow_blank=True, help_text=_("What was done."))
    file = serializers.FileField(required=False, allow_null=True, default=None)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=20
    )


class NoteSerializer(ScopedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
