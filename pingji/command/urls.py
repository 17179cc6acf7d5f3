from django.urls import path

from . import views

app_name = "command"
urlpatterns = [
    path("", views.ModeView.as_view(), name="mode_list"),
    path("<str:code>/", views.ModeView.as_view(), name="mode_detail"),
    path("<str:code>/switch/", views.SwitchModeView.as_view(), name="mode_switch"),
]
