from django.urls import path

from . import vector_views, views

app_name = "preparedness"
urlpatterns = [
    path("", views.ReadinessView.as_view(), name="readiness"),
    path("sites/", views.SiteListView.as_view(), name="site_list"),
    path("sites/upload/", views.UploadView.as_view(), name="site_upload"),
    path("sites/<int:pk>/", views.SiteDetailView.as_view(), name="site_detail"),
    path("sites/<int:pk>/reports/", views.ReportView.as_view(), name="site_report"),
    path("vectors/", vector_views.VectorListView.as_view(), name="vector_list"),
    path("vectors/record/", vector_views.VectorRecordView.as_view(), name="vector_record"),
    path("vectors/upload/", vector_views.VectorUploadView.as_view(), name="vector_upload"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/", views.RuleDetailView.as_view(), name="rule_detail"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("alerts/", views.AlertListView.as_view(), name="alert_list"),
    path("alerts/evaluate/", views.EvaluateView.as_view(), name="alert_evaluate"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert_detail"),
    path("alerts/<int:pk>/switch/", views.SwitchView.as_view(), name="alert_switch"),
    path("alerts/<int:pk>/dismiss/", views.DismissView.as_view(), name="alert_dismiss"),
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("drills/", views.DrillListView.as_view(), name="drill_list"),
    path("drills/<int:pk>/", views.DrillDetailView.as_view(), name="drill_detail"),
    path("drills/<int:pk>/step/", views.DrillStepView.as_view(), name="drill_step"),
    path("drills/<int:pk>/finding/", views.DrillFindingView.as_view(), name="drill_finding"),
    path("drills/<int:pk>/protocol/", views.DrillProtocolView.as_view(), name="drill_protocol"),
    *[
        path(
            f"drills/<int:pk>/{phase}/",
            views.DrillPhaseView.as_view(phase=phase),
            name=f"drill_{phase}",
        )
        for phase in ("start", "inject", "contact", "finish", "remove")
    ],
]
