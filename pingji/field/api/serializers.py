from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..models import FieldRecord


class FieldRecordSerializer(ScopedModelSerializer):
    """A line of the sync history: what a record was, when it was made and received, and what
    became of it. The user is the caller (the history is one's own), so no relation is written."""

    id = serializers.UUIDField(source="client_id", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = FieldRecord
        fields = [
            "id",
            "kind",
            "kind_display",
            "target",
            "subject",
            "made_at",
            "received_at",
            "batch",
            "outcome",
            "outcome_display",
            "message",
        ]
        read_only_fields = fields


class SyncRecordSerializer(ScopedSerializer):
    """One record of the phone's queue (its data is checked by ``actions.sync``)."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    made_at = serializers.DateTimeField()
    seq = serializers.IntegerField(required=False)
    data = serializers.DictField()


class SyncSerializer(ScopedSerializer):
    device = serializers.UUIDField()
    records = SyncRecordSerializer(many=True)


class SyncAnswerSerializer(ScopedSerializer):
    id = serializers.CharField()
    outcome = serializers.CharField()
    message = serializers.CharField()
    replayed = serializers.BooleanField()
