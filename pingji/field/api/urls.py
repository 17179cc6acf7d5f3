from django.urls import path

from . import views

urlpatterns = [
    path("key/", views.KeyView.as_view(), name="field-key"),
    path("day/", views.DayView.as_view(), name="field-day"),
    path("sync/", views.SyncView.as_view(), name="field-sync"),
    path("records/", views.RecordListView.as_view(), name="field-records"),
]
