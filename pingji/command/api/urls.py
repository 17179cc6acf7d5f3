from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import CurrentModeView, MeetingViewSet, ModeSwitchViewSet

router = DefaultRouter()
router.register("mode-switches", ModeSwitchViewSet)
router.register("meetings", MeetingViewSet)
urlpatterns = [
    path("modes/current/", CurrentModeView.as_view(), name="mode-current"),
    *router.urls,
]
