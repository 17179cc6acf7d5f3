from rest_framework.routers import DefaultRouter

from .views import DailyReportViewSet

router = DefaultRouter()
router.register("daily", DailyReportViewSet)
urlpatterns = router.urls
