from django.urls import path
from rest_framework.routers import DefaultRouter

from .pickers import PickView
from .views import HouseholdViewSet, PersonViewSet

router = DefaultRouter()
router.register("persons", PersonViewSet)
router.register("households", HouseholdViewSet)
urlpatterns = [
    path("pick/<slug:source>/", PickView.as_view(), name="picker-lookup"),
    *router.urls,
]
