from rest_framework.routers import DefaultRouter

from .views import DomainEventViewSet, JobViewSet, ObjectChangeViewSet

router = DefaultRouter()
router.register("object-changes", ObjectChangeViewSet)
router.register("domain-events", DomainEventViewSet)
router.register("jobs", JobViewSet)
urlpatterns = router.urls
