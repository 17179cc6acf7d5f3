from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..models import DailyIndicator, ForecastRun, RtEstimate


class DailyIndicatorSerializer(ScopedModelSerializer):
    class Meta:
        model = DailyIndicator
        fields = ["id", "jurisdiction", "day", "key", "value", "computed_at"]


class RtEstimateSerializer(ScopedModelSerializer):
    class Meta:
        model = RtEstimate
        exclude: list[str] = []


class ForecastRunSerializer(ScopedModelSerializer):
    class Meta:
        model = ForecastRun
        exclude: list[str] = []


class SeriesQuerySerializer(ScopedSerializer):
    code = serializers.CharField(max_length=15)
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.ChoiceField(choices=["total", "children"], default="total")
