from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.SituationView.as_view(), name="situation_focus"),
    path("situation/<str:code>/", views.SituationView.as_view(), name="situation"),
    path("daily/", views.ReportListView.as_view(), name="report_list"),
    path("daily/new/", views.GenerateView.as_view(), name="report_generate"),
    path("daily/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("daily/<int:pk>/<str:ext>/", views.ReportFileView.as_view(), name="report_file"),
]
