from rest_framework.routers import DefaultRouter

from .views import ContactViewSet, ExposureViewSet, InvestigationViewSet, ProposedContactViewSet

router = DefaultRouter()
router.register("investigations", InvestigationViewSet)
router.register("exposures", ExposureViewSet)
router.register("contacts", ContactViewSet)
router.register("proposed-contacts", ProposedContactViewSet)
urlpatterns = router.urls
