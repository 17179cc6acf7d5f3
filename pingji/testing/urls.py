from django.urls import path

from . import views

app_name = "testing"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:pk>/rounds/", views.RoundOpenView.as_view(), name="round_open"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/upload/", views.UploadCreateView.as_view(), name="upload_create"),
    path("rounds/<int:pk>/points/", views.PointCreateView.as_view(), name="point_create"),
    path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close"),
    path("rounds/<int:pk>/untested/", views.UntestedView.as_view(), name="untested"),
    path("uploads/<int:pk>/", views.UploadDetailView.as_view(), name="upload_detail"),
    path("tubes/<int:pk>/", views.TubeDetailView.as_view(), name="tube_detail"),
    path("follow-ups/<int:pk>/", views.FollowUpDetailView.as_view(), name="followup_detail"),
    path("follow-ups/<int:pk>/retest/", views.RetestView.as_view(), name="retest"),
    path("follow-ups/<int:pk>/report/", views.FollowUpReportView.as_view(), name="report_case"),
]
