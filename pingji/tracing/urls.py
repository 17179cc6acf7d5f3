from django.urls import path

from . import views, views_chains, views_dispatch

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
    path("contacts/<int:pk>/secondary/", views.SecondaryView.as_view(), name="derive_secondary"),
    path("dispatches/", views_dispatch.DispatchListView.as_view(), name="dispatch_list"),
    path("dispatches/export/", views_dispatch.DispatchExportView.as_view(), name="dispatch_export"),
    path(
        "dispatches/<int:pk>/", views_dispatch.DispatchDetailView.as_view(), name="dispatch_detail"
    ),
    path(
        "dispatches/<int:pk>/acknowledge/",
        views_dispatch.DispatchAcknowledgeView.as_view(),
        name="dispatch_acknowledge",
    ),
    path(
        "dispatches/<int:pk>/outcome/",
        views_dispatch.DispatchOutcomeView.as_view(),
        name="dispatch_outcome",
    ),
    path("chains/", views_chains.ChainGraphView.as_view(), name="chain_graph"),
    path("chains/data/", views_chains.ChainDataView.as_view(), name="chain_data"),
    path("clusters/", views_chains.ClusterListView.as_view(), name="cluster_list"),
    path("clusters/<int:pk>/", views_chains.ClusterDetailView.as_view(), name="cluster_detail"),
    path("links/<int:pk>/", views_chains.LinkDetailView.as_view(), name="link_detail"),
]
