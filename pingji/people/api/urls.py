from rest_framework.routers import DefaultRouter

from .views import HouseholdViewSet, PersonViewSet

router = DefaultRouter()
router.register("persons", PersonViewSet)
router.register("households", HouseholdViewSet)
urlpatterns = router.urls
