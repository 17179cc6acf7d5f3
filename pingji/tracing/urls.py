from django.urls import path

from . import views

app_name = "tracing"
urlpatterns = [
    path("", views.InvestigationListView.as_view(), name="investigation_list"),
    path("open/<int:pk>/", views.InvestigationOpenView.as_view(), name="investigation_open"),
    path("<int:pk>/", views.InvestigationDetailView.as_view(), name="investigation_detail"),
    path("<int:pk>/exposures/", views.ExposureCreateView.as_view(), name="exposure_create"),
    path("<int:pk>/contacts/", views.ContactCreateView.as_view(), name="contact_create"),
    path("<int:pk>/core-done/", views.CompleteCoreView.as_view(), name="complete_core"),
    path("<int:pk>/report-done/", views.CompleteReportView.as_view(), name="complete_report"),
    path("<int:pk>/search/", views.SearchView.as_view(), name="search"),
    path("proposals/<int:pk>/accept/", views.ProposalAcceptView.as_view(), name="accept"),
    path("proposals/<int:pk>/reject/", views.ProposalRejectView.as_view(), name="reject"),
]
