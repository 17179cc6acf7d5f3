from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core.api.base import ScopedReadOnlyViewSet
from pingji.geo.models import Jurisdiction

from ..filtersets import DailyIndicatorFilterSet, ForecastRunFilterSet, RtEstimateFilterSet
from ..indicators.registry import indicators
from ..models import DailyIndicator, ForecastRun, RtEstimate
from ..series import child_length, compute, today
from .serializers import (
    DailyIndicatorSerializer,
    ForecastRunSerializer,
    RtEstimateSerializer,
    SeriesQuerySerializer,
)


class DailyIndicatorViewSet(ScopedReadOnlyViewSet):
    """Stored daily indicators (non-zero values) of the areas within the caller's."""

    queryset = DailyIndicator.objects.all()
    serializer_class = DailyIndicatorSerializer
    filterset_class = DailyIndicatorFilterSet


class RtEstimateViewSet(ScopedReadOnlyViewSet):
    """Stored Rt per 7-day window end, with the serial interval used and where it came from."""

    queryset = RtEstimate.objects.all()
    serializer_class = RtEstimateSerializer
    filterset_class = RtEstimateFilterSet


class ForecastRunViewSet(ScopedReadOnlyViewSet):
    """Stored 7-day forecasts, one per area and day observed."""

    queryset = ForecastRun.objects.all()
    serializer_class = ForecastRunSerializer
    filterset_class = ForecastRunFilterSet


MAX_DAYS = 731


class SeriesView(APIView):
    """Every indicator of an area for a period, computed from the events now (24:00 cut-off)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[SeriesQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        query = SeriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        if not Jurisdiction.objects.restrict(request.user).filter(code=q["code"]).exists():
            raise exceptions.NotFound()
        if q["end"] > today():
            raise exceptions.ValidationError({"end": [_("The date is in the future.")]})
        if q["start"] > q["end"] or (q["end"] - q["start"]).days > MAX_DAYS:
            raise exceptions.ValidationError({"start": [_("Give a period of at most two years.")]})
        below = child_length(q["code"]) if q["by"] == "children" else None
        s = compute(q["code"], q["start"], q["end"], unit_length=below)
        return Response(
            {
                "code": q["code"],
                "days": [d.isoformat() for d in s.days],
                "indicators": {i.key: str(i.label) for i in indicators()},
                "units": {
                    unit: {k: [int(v) for v in m[j]] for k, m in s.values.items()}
                    for j, unit in enumerate(s.units)
                },
            }
        )
