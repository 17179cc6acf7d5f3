from django.urls import path

from .views import chains, dispatch, investigations

app_name = "tracing"
urlpatterns = [
    path("", investigations.InvestigationListView.as_view(), name="investigation_list"),
    path(
        "open/<int:pk>/", investigations.InvestigationOpenView.as_view(), name="investigation_open"
    ),
    path(
        "<int:pk>/", investigations.InvestigationDetailView.as_view(), name="investigation_detail"
    ),
    path(
        "<int:pk>/exposures/", investigations.ExposureCreateView.as_view(), name="exposure_create"
    ),
    path("<int:pk>/contacts/", investigations.ContactCreateView.as_view(), name="contact_create"),
    path(
        "<int:pk>/contacts/elsewhere/",
        investigations.ReportedContactCreateView.as_view(),
        name="reported_contact_create",
    ),
    path("<int:pk>/core-done/", investigations.CompleteCoreView.as_view(), name="complete_core"),
    path(
        "<int:pk>/report-done/", investigations.CompleteReportView.as_view(), name="complete_report"
    ),
    path("<int:pk>/search/", investigations.SearchView.as_view(), name="search"),
    path("proposals/<int:pk>/accept/", investigations.ProposalAcceptView.as_view(), name="accept"),
    path("proposals/<int:pk>/reject/", investigations.ProposalRejectView.as_view(), name="reject"),
    path(
        "contacts/<int:pk>/secondary/",
        investigations.SecondaryView.as_view(),
        name="derive_secondary",
    ),
    path("dispatches/", dispatch.DispatchListView.as_view(), name="dispatch_list"),
    path("dispatches/export/", dispatch.DispatchExportView.as_view(), name="dispatch_export"),
    path("dispatches/<int:pk>/", dispatch.DispatchDetailView.as_view(), name="dispatch_detail"),
    path(
        "dispatches/<int:pk>/acknowledge/",
        dispatch.DispatchAcknowledgeView.as_view(),
        name="dispatch_acknowledge",
    ),
    path(
        "dispatches/<int:pk>/resolve/",
        dispatch.DispatchResolveView.as_view(),
        name="dispatch_resolve",
    ),
    path(
        "dispatches/<int:pk>/register/",
        dispatch.DispatchRegisterView.as_view(),
        name="dispatch_register",
    ),
    path(
        "dispatches/<int:pk>/outcome/",
        dispatch.DispatchOutcomeView.as_view(),
        name="dispatch_outcome",
    ),
    path("chains/", chains.ChainGraphView.as_view(), name="chain_graph"),
    path("chains/data/", chains.ChainDataView.as_view(), name="chain_data"),
    path("clusters/", chains.ClusterListView.as_view(), name="cluster_list"),
    path("clusters/<int:pk>/", chains.ClusterDetailView.as_view(), name="cluster_detail"),
    path("links/<int:pk>/", chains.LinkDetailView.as_view(), name="link_detail"),
]
