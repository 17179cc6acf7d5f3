from pingji.core.api.serializers import ScopedModelSerializer

from ..models import Message, OptOut


class MessageSerializer(ScopedModelSerializer):
    """A message as the outbox shows it: masked address and fields, no real address ever."""

    class Meta:
        model = Message
        fields = [
            "id",
            "jurisdiction_code",
            "recipient_kind",
            "recipient_label",
            "address_masked",
            "channel",
            "template",
            "fields",
            "cause",
            "status",
            "attempts",
            "next_attempt_at",
            "gateway",
            "receipt_id",
            "error",
            "history",
            "created_at",
            "sent_at",
            "delivered_at",
        ]
        read_only_fields = fields


class OptOutSerializer(ScopedModelSerializer):
    class Meta:
        model = OptOut
        fields = [
            *("id", "jurisdiction_code", "recipient_kind", "recipient_id", "recipient_label"),
            *("channel", "source", "note", "recorded_at"),
        ]
        read_only_fields = ["id", "jurisdiction_code", "recipient_label", "recorded_at"]
        validators: list = []  # a second request answers with the first row (the action's rule)
