from rest_framework.routers import DefaultRouter

from .views import AccessRefusalViewSet, UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet)
router.register("refusals", AccessRefusalViewSet)
urlpatterns = router.urls
