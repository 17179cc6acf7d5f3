from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdiction_list"),
    path(
        "jurisdictions/<str:pk>/",
        views.JurisdictionDetailView.as_view(),
        name="jurisdiction_detail",
    ),
    path("places/", views.PlaceListView.as_view(), name="place_list"),
    path("places/<int:pk>/", views.PlaceDetailView.as_view(), name="place_detail"),
    path("focus/", views.set_focus, name="set_focus"),
    path("map.json", views.map_data, name="map_data"),
]
