from rest_framework.routers import DefaultRouter

from .views import (
    HistoryEntryViewSet,
    MonitoringCheckViewSet,
    PlacementViewSet,
    ReleaseViewSet,
    RoomViewSet,
    ScheduledTestViewSet,
    SelfReportLinkViewSet,
    SiteStaffViewSet,
    SiteViewSet,
)

router = DefaultRouter()
router.register("sites", SiteViewSet)
router.register("rooms", RoomViewSet)
router.register("site-staff", SiteStaffViewSet)
router.register("placements", PlacementViewSet)
router.register("tests", ScheduledTestViewSet)
router.register("checks", MonitoringCheckViewSet)
router.register("releases", ReleaseViewSet)
router.register("history", HistoryEntryViewSet)
router.register("self-report-links", SelfReportLinkViewSet)
urlpatterns = router.urls
