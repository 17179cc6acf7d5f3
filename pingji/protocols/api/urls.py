from rest_framework.routers import DefaultRouter

from .views import ProtocolViewSet

router = DefaultRouter()
router.register("protocols", ProtocolViewSet)
urlpatterns = router.urls
