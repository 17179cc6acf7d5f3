from django.urls import path

from . import views

app_name = "scenarios"
urlpatterns = [
    path("", views.ScenarioListView.as_view(), name="scenario_list"),
    path("new/", views.ScenarioCreateView.as_view(), name="scenario_create"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario_detail"),
    path("<int:pk>/run/", views.QueueRunView.as_view(), name="scenario_run"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:pk>/again/", views.RunAgainView.as_view(), name="run_again"),
    path("runs/<int:pk>/attach/", views.attach, name="run_attach"),
]
