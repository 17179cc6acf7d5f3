from django.urls import path

from . import views

app_name = "reopening"
urlpatterns = [
    path("", views.EstablishmentListView.as_view(), name="establishment_list"),
    path("new/", views.EstablishmentCreateView.as_view(), name="establishment_create"),
    path("import/", views.EstablishmentImportView.as_view(), name="establishment_import"),
    path("import/template.xlsx", views.EstablishmentTemplateView.as_view(), name="import_template"),
    path("<int:pk>/", views.EstablishmentDetailView.as_view(), name="establishment_detail"),
    path("<int:pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("<int:pk>/pause/", views.PauseView.as_view(), name="pause"),
    path("<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("<int:pk>/problem/", views.ProblemView.as_view(), name="problem"),
    path("applications/<int:pk>/inspect/", views.InspectView.as_view(), name="inspect"),
    path("applications/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("alerts/<int:pk>/decide/", views.AlertDecideView.as_view(), name="alert_decide"),
    path("surveys/", views.SurveyListView.as_view(), name="survey_list"),
    path("surveys/new/", views.SurveyCreateView.as_view(), name="survey_create"),
    path("surveys/<int:pk>/", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("surveys/<int:pk>/answer/", views.SurveyAnswerView.as_view(), name="survey_answer"),
    path("surveys/<int:pk>/import/", views.SurveyImportView.as_view(), name="survey_import"),
    path(
        "surveys/<int:pk>/returns.xlsx", views.SurveyTemplateView.as_view(), name="survey_template"
    ),
    path("progress/", views.ProgressView.as_view(), name="progress"),
]
