from django.urls import path
from rest_framework.routers import DefaultRouter

from . import vectors, views

router = DefaultRouter()
router.register("sites", views.SiteViewSet)
router.register("reports", views.ReportViewSet)
router.register("warning-rules", views.RuleViewSet)
router.register("alerts", views.AlertViewSet)
router.register("courses", views.CourseViewSet)
router.register("attendances", views.AttendanceViewSet)
router.register("drills", views.DrillViewSet)
router.register("drill-steps", views.DrillStepViewSet)
router.register("drill-findings", views.FindingViewSet)
router.register("vector-surveys", vectors.VectorSurveyViewSet)
urlpatterns = [
    path("reports/upload/", views.UploadView.as_view(), name="reports-upload"),
    path("warnings/evaluate/", views.EvaluateView.as_view(), name="warnings-evaluate"),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    *router.urls,
]
