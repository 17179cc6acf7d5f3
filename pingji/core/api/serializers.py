from rest_framework import serializers

from ..models import DomainEvent, Job, ObjectChange


class ObjectChangeSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()
    object_type = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = ObjectChange
        fields = [
            "id",
            "time",
            "actor",
            "request_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "jurisdiction_code",
            "before",
            "after",
        ]


class DomainEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = DomainEvent
        fields = [
            "id",
            "kind",
            "time",
            "actor",
            "request_id",
            "jurisdiction_code",
            "object_id",
            "summary",
            "payload",
        ]


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "params",
            "status",
            "progress",
            "total",
            "percent",
            "message",
            "result",
            "error",
            "jurisdiction_code",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
