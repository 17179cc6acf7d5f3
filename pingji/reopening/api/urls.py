from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("establishments", views.EstablishmentViewSet)
router.register("members", views.MemberViewSet)
router.register("status-changes", views.StatusChangeViewSet)
router.register("surveys", views.SurveyViewSet)
router.register("survey-returns", views.SurveyReturnViewSet)
router.register("applications", views.ApplicationViewSet)
router.register("plans", views.PlanViewSet)
router.register("problems", views.ProblemViewSet)
router.register("alerts", views.AlertViewSet)
router.register("targets", views.TargetViewSet)
urlpatterns = [path("progress/", views.ProgressView.as_view(), name="progress"), *router.urls]
