from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("new/", views.CaseReportView.as_view(), name="case_create"),
    path("import/", views.CaseImportView.as_view(), name="case_import"),
    path("import/template.xlsx", views.TemplateDownloadView.as_view(), name="import_template"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/reclassify/", views.CaseReclassifyView.as_view(), name="case_reclassify"),
    path("<int:pk>/outcome/", views.CaseOutcomeView.as_view(), name="case_outcome"),
    path("<int:pk>/correct/", views.CaseCorrectView.as_view(), name="case_correct"),
    path("<int:pk>/void/", views.CaseVoidView.as_view(), name="case_void"),
]
