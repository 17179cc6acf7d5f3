from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("scenarios", views.ScenarioViewSet)
router.register("runs", views.RunViewSet)
urlpatterns = router.urls
