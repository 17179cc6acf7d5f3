from rest_framework import serializers

from pingji.geo.models import Jurisdiction, Place

from ..choices import TubeResult, UploadKind
from ..models import Campaign, Coverage, FollowUp, PositiveTube, Round, SamplingPoint, Upload


class _Visible(serializers.PrimaryKeyRelatedField):
    """A related row the caller may see; anything else does not exist for them."""

    model: type = Jurisdiction

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user, "view")


class _VisibleJurisdiction(_Visible):
    model = Jurisdiction


class _VisiblePlace(_Visible):
    model = Place


class _VisibleCampaign(_Visible):
    model = Campaign


class _VisibleRound(_Visible):
    model = Round


class CampaignSerializer(serializers.ModelSerializer):
    jurisdiction = _VisibleJurisdiction()
    areas = _VisibleJurisdiction(many=True, required=False)
    places = _VisiblePlace(many=True, required=False)

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


class RoundSerializer(serializers.ModelSerializer):
    campaign = _VisibleCampaign()
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


class SamplingPointSerializer(serializers.ModelSerializer):
    round = _VisibleRound()
    jurisdiction = _VisibleJurisdiction()
    place = _VisiblePlace(required=False, allow_null=True)

    class Meta:
        model = SamplingPoint
        fields = ["id", "round", "jurisdiction", "name", "place", "staff", "opens", "closes"]


class TestingUploadSerializer(serializers.ModelSerializer):
    round = _VisibleRound()
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


class TestingCoverageSerializer(serializers.ModelSerializer):
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


class PositiveTubeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PositiveTube
        fields = ["id", "round", "jurisdiction", "barcode", "size", "resulted_at", "upload"]


class FollowUpSerializer(serializers.ModelSerializer):
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


class RetestSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[TubeResult.NEGATIVE, TubeResult.POSITIVE])
    barcode = serializers.CharField(required=False, allow_blank=True, max_length=32)
    at = serializers.DateTimeField(required=False)
