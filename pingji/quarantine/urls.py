from django.urls import path

from .views import placements as views
from .views import self_report

app_name = "quarantine"
urlpatterns = [
    path("", views.PlacementListView.as_view(), name="placement_list"),
    path("place/", views.PlacementCreateView.as_view(), name="placement_create"),
    path("today/", views.TodayView.as_view(), name="today"),
    path("capacity/", views.CapacityView.as_view(), name="capacity"),
    path("protocol-changes/", views.ProtocolChangesView.as_view(), name="protocol_changes"),
    path("results/import/", views.ImportView.as_view(), name="import"),
    path("<int:pk>/", views.PlacementDetailView.as_view(), name="placement_detail"),
    path("<int:pk>/check/", views.CheckCreateView.as_view(), name="check"),
    path("<int:pk>/result/", views.ResultCreateView.as_view(), name="result"),
    path("<int:pk>/release/", views.ReleaseView.as_view(), name="release"),
    path("<int:pk>/transfer/", views.TransferView.as_view(), name="transfer"),
    path("<int:pk>/move/", views.MoveHomeView.as_view(), name="move"),
    path("<int:pk>/self-report/", self_report.LinkIssueView.as_view(), name="self_report_issue"),
    path(
        "self-report/<int:pk>/revoke/",
        self_report.LinkRevokeView.as_view(),
        name="self_report_revoke",
    ),
    path("r/<str:token>/", self_report.report, name="self_report"),
    path("sites/", views.SiteListView.as_view(), name="site_list"),
    path("sites/new/", views.SiteCreateView.as_view(), name="site_create"),
    path("sites/<int:pk>/", views.SiteDetailView.as_view(), name="site_detail"),
    path("sites/<int:pk>/staff/", views.StaffAssignView.as_view(), name="staff_assign"),
]
