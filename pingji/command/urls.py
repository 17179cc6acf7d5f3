from django.urls import path

from . import meeting_views, views

app_name = "command"
urlpatterns = [
    path("", views.ModeView.as_view(), name="mode_list"),
    path("meetings/", meeting_views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meeting_views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", meeting_views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<str:code>/", views.ModeView.as_view(), name="mode_detail"),
    path("<str:code>/switch/", views.SwitchModeView.as_view(), name="mode_switch"),
]
