from django.urls import path

from .views import records

app_name = "core"
urlpatterns = [
    path("jobs/", records.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", records.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", records.download_export, name="job_download"),
    path("jobs/<int:pk>/again/", records.run_job_again, name="job_again"),
    path("export/", records.start_export, name="export"),
    path("changes/", records.ChangeListView.as_view(), name="change_list"),
    path("changes/<int:pk>/", records.ChangeDetailView.as_view(), name="change_detail"),
    path("events/", records.EventListView.as_view(), name="event_list"),
]
