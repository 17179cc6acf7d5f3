from rest_framework import serializers

from ..models import DailyIndicator, ForecastRun, RtEstimate


class DailyIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = DailyIndicator
        fields = ["id", "jurisdiction", "day", "key", "value", "computed_at"]


class RtEstimateSerializer(serializers.ModelSerializer):
    class Meta:
        model = RtEstimate
        exclude: list[str] = []


class ForecastRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForecastRun
        exclude: list[str] = []


class SeriesQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=15)
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.ChoiceField(choices=["total", "children"], default="total")
