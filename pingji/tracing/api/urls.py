from rest_framework.routers import DefaultRouter

from .views import (
    ClusterViewSet,
    ContactViewSet,
    DispatchViewSet,
    ExposureViewSet,
    InvestigationViewSet,
    LinkViewSet,
    ProposedContactViewSet,
    ReportedContactViewSet,
)

router = DefaultRouter()
router.register("investigations", InvestigationViewSet)
router.register("exposures", ExposureViewSet)
router.register("contacts", ContactViewSet)
router.register("proposed-contacts", ProposedContactViewSet)
router.register("reported-contacts", ReportedContactViewSet)
router.register("dispatches", DispatchViewSet)
router.register("links", LinkViewSet)
router.register("clusters", ClusterViewSet)
urlpatterns = router.urls
