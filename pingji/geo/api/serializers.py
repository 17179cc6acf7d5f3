from rest_framework import serializers

from ..models import Jurisdiction, Place


class JurisdictionSerializer(serializers.ModelSerializer):
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


class PlaceSerializer(serializers.ModelSerializer):
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
