from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("cards/", views.CardListView.as_view(), name="card_list"),
    path("cards/export.xlsx", views.CardExportView.as_view(), name="card_export"),
    path("cards/<int:pk>/", views.CardDetailView.as_view(), name="card_detail"),
    path("extracts/", views.ExtractListView.as_view(), name="extract_list"),
    path("extracts/<int:pk>/", views.ExtractDetailView.as_view(), name="extract_detail"),
    path("reconciliation/", views.ReconciliationView.as_view(), name="reconciliation"),
]
