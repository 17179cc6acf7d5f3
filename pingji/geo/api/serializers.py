from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer

from ..models import Jurisdiction, Place


class JurisdictionSerializer(ScopedModelSerializer):
    gb_code = serializers.CharField(read_only=True)

    class Meta:
        model = Jurisdiction
        fields = [
            "code",
            "gb_code",
            "name",
            "level",
            "parent",
            "reporting_unit",
            "population",
            "center_lon",
            "center_lat",
        ]


class PlaceSerializer(ScopedModelSerializer):
    class Meta:
        model = Place
        fields = [
            "id",
            "kind",
            "name",
            "address",
            "jurisdiction",
            "parent",
            "capacity",
            "lon",
            "lat",
        ]
