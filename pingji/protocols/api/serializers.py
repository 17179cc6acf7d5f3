from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..models import Protocol
from ..rules import validate_rules


class ProtocolSerializer(ScopedModelSerializer):
    class Meta:
        model = Protocol
        fields = [
            "id",
            "code",
            "disease",
            "name",
            "jurisdiction_code",
            "effective_from",
            "source",
            "based_on",
            "rules",
            "notes",
        ]
        read_only_fields = fields


def _check_rules(rules):
    errors = validate_rules(rules)
    if errors:
        raise serializers.ValidationError([str(e) for e in errors])
    return rules


class ProtocolCopySerializer(ScopedSerializer):
    """Create = copy an existing version for an area, from a date."""

    based_on = serializers.PrimaryKeyRelatedField(queryset=Protocol.objects.none())
    jurisdiction_code = serializers.CharField(max_length=15, allow_blank=True)
    effective_from = serializers.DateField()
    name = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # only versions the caller can see may be copied
            self.fields["based_on"].queryset = Protocol.objects.restrict(request.user)


class ProtocolAmendSerializer(ScopedSerializer):
    """Update = amend: only the fields sent change; ``reason`` is always required."""

    reason = serializers.CharField()
    name = serializers.CharField(max_length=200, required=False)
    effective_from = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    rules = serializers.JSONField(required=False, validators=[_check_rules])


class InForceQuerySerializer(ScopedSerializer):
    jurisdiction = serializers.CharField(max_length=15, required=False, allow_blank=True)
    date = serializers.DateField(required=False)
