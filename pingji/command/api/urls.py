from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import CurrentModeView, ModeSwitchViewSet

router = DefaultRouter()
router.register("mode-switches", ModeSwitchViewSet)
urlpatterns = [
    path("modes/current/", CurrentModeView.as_view(), name="mode-current"),
    *router.urls,
]
