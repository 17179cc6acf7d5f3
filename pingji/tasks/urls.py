from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("all/", views.TaskListView.as_view(), name="task_list"),
    path("new/", views.TaskCreateView.as_view(), name="task_create"),
    path("supervision/", views.SupervisionView.as_view(), name="supervision"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("<int:pk>/submit/", views.SubmitEvidenceView.as_view(), name="task_submit"),
    path("<int:pk>/verify/", views.VerifyTaskView.as_view(), name="task_verify"),
    path("<int:pk>/return/", views.ReturnTaskView.as_view(), name="task_return"),
    path("<int:pk>/cancel/", views.CancelTaskView.as_view(), name="task_cancel"),
    path("<int:pk>/evidence/", views.EvidenceFileView.as_view(), name="evidence_file"),
    path("files/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("directives/", views.DirectiveListView.as_view(), name="directive_list"),
    path("directives/new/", views.DirectiveCreateView.as_view(), name="directive_create"),
    path("directives/<int:pk>/", views.DirectiveDetailView.as_view(), name="directive_detail"),
    path("problems/", views.ProblemListListView.as_view(), name="problemlist_list"),
    path("problems/import/", views.ProblemImportView.as_view(), name="problemlist_import"),
    path("problems/template.xlsx", views.ProblemTemplateView.as_view(), name="problem_template"),
    path("problems/<int:pk>/", views.ProblemListDetailView.as_view(), name="problemlist_detail"),
    path("problems/<int:pk>/ledger.xlsx", views.LedgerView.as_view(), name="problemlist_ledger"),
    path("plans/", views.PlanTemplateListView.as_view(), name="plantemplate_list"),
    path("plans/new/", views.PlanTemplateCreateView.as_view(), name="plantemplate_create"),
    path("plans/<int:pk>/", views.PlanTemplateDetailView.as_view(), name="plantemplate_detail"),
    path("plans/<int:pk>/<str:code>/", views.WorkPlanEditView.as_view(), name="workplan_edit"),
    path("plan/<int:pk>/", views.WorkPlanDetailView.as_view(), name="workplan_detail"),
    path("plan/<int:pk>/return/", views.WorkPlanReturnView.as_view(), name="workplan_return"),
    path("reviews/", views.ReviewListView.as_view(), name="review_list"),
    path("reviews/new/", views.ReviewCreateView.as_view(), name="review_create"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/improve/", views.ImprovementCreateView.as_view(), name="review_improve"),
]
