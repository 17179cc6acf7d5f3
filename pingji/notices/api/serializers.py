from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from .. import verification
from ..models import Notice


class NoticeSerializer(ScopedModelSerializer):
    """A notice as stored: its frozen content is already masked as printed (decision 0031)."""

    superseded_by = serializers.SlugRelatedField(slug_field="number", read_only=True)
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "number",
            "issuer",
            "jurisdiction",
            "recipient_label",
            "issued_at",
            "status",
            "revoked_at",
            "reason",
            "superseded_by",
            "content",
            "verification_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_verification_url(self, notice: Notice) -> str:
        return verification.absolute_url(notice, self.context.get("request"))


class RevokeSerializer(ScopedSerializer):
    reason = serializers.CharField(max_length=500)
