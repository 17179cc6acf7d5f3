from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.geo.models import Jurisdiction, Place

from ..choices import TubeResult, UploadKind
from ..models import Campaign, Coverage, FollowUp, PositiveTube, Round, SamplingPoint, Upload


class CampaignSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    areas = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(), many=True, required=False
    )
    places = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), many=True, required=False
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "jurisdiction",
            "areas",
            "places",
            "setting",
            "scope",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]


class RoundSerializer(ScopedModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    ratio = serializers.IntegerField(write_only=True, required=False, min_value=1)

    class Meta:
        model = Round
        fields = [
            "id",
            "campaign",
            "jurisdiction",
            "number",
            "protocol",
            "starts_at",
            "deadline",
            "deadline_clause",
            "target",
            "pool_mode",
            "pool_ratio",
            "pooling_clause",
            "status",
            "completed_at",
            "ratio",
        ]
        read_only_fields = [f for f in fields if f not in ("campaign", "starts_at", "ratio")]


class SamplingPointSerializer(ScopedModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=Round.objects.all())
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = SamplingPoint
        fields = ["id", "round", "jurisdiction", "name", "place", "staff", "opens", "closes"]


class TestingUploadSerializer(ScopedModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=Round.objects.all())
    file = serializers.FileField(write_only=True)
    kind = serializers.ChoiceField(choices=UploadKind.choices)

    class Meta:
        model = Upload
        fields = [
            "id",
            "round",
            "jurisdiction",
            "kind",
            "filename",
            "sha256",
            "status",
            "rows",
            "error_count",
            "errors",
            "job",
            "created_by",
            "created_at",
            "applied_at",
            "file",
        ]
        read_only_fields = [f for f in fields if f not in ("round", "kind", "file")]


class TestingCoverageSerializer(ScopedModelSerializer):
    class Meta:
        model = Coverage
        fields = [
            "id",
            "round",
            "jurisdiction",
            "place",
            "target",
            "sampled",
            "resulted",
            "positive",
            "updated_at",
        ]


class PositiveTubeSerializer(ScopedModelSerializer):
    class Meta:
        model = PositiveTube
        fields = ["id", "round", "jurisdiction", "barcode", "size", "resulted_at", "upload"]


class FollowUpSerializer(ScopedModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "tube",
            "person",
            "person_name",
            "jurisdiction",
            "status",
            "sampled_at",
            "retest_barcode",
            "retest_at",
        ]
        read_only_fields = fields


class RetestSerializer(ScopedSerializer):
    result = serializers.ChoiceField(choices=[TubeResult.NEGATIVE, TubeResult.POSITIVE])
    barcode = serializers.CharField(required=False, allow_blank=True, max_length=32)
    at = serializers.DateTimeField(required=False)
