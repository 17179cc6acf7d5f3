from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("supply-items", views.SupplyItemViewSet)
router.register("stores", views.StoreViewSet)
router.register("batches", views.BatchViewSet)
router.register("movements", views.MovementViewSet)
router.register("facilities", views.FacilityViewSet)
router.register("workforce", views.WorkforceViewSet)
urlpatterns = [path("reserves/", views.ReservesView.as_view(), name="reserves"), *router.urls]
