from django.urls import path

from .views import meetings, modes

app_name = "command"
urlpatterns = [
    path("", modes.ModeView.as_view(), name="mode_list"),
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<str:code>/", modes.ModeView.as_view(), name="mode_detail"),
    path("<str:code>/switch/", modes.SwitchModeView.as_view(), name="mode_switch"),
]
