from django.urls import path

from . import views_admin

app_name = "core"
urlpatterns = [
    path("jobs/", views_admin.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", views_admin.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", views_admin.download_export, name="job_download"),
    path("export/", views_admin.start_export, name="export"),
    path("changes/", views_admin.ChangeListView.as_view(), name="change_list"),
    path("changes/<int:pk>/", views_admin.ChangeDetailView.as_view(), name="change_detail"),
    path("events/", views_admin.EventListView.as_view(), name="event_list"),
]
