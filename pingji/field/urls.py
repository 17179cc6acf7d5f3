from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("", views.AppView.as_view(), name="app"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("history/", views.HistoryView.as_view(), name="history"),
    path("devices/<int:pk>/revoke/", views.revoke_device, name="revoke_device"),
]
