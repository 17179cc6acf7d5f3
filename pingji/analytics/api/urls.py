from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import DailyIndicatorViewSet, ForecastRunViewSet, RtEstimateViewSet, SeriesView

router = DefaultRouter()
router.register("indicators", DailyIndicatorViewSet)
router.register("rt", RtEstimateViewSet)
router.register("forecasts", ForecastRunViewSet)
urlpatterns = [path("series/", SeriesView.as_view(), name="series"), *router.urls]
