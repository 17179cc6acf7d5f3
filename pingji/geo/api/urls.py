from rest_framework.routers import DefaultRouter

from .views import JurisdictionViewSet, PlaceViewSet

router = DefaultRouter()
router.register("jurisdictions", JurisdictionViewSet)
router.register("places", PlaceViewSet)
urlpatterns = router.urls
