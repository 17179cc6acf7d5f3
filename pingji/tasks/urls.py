from django.urls import path

from .views import orders, plans, reviews, work

app_name = "tasks"
urlpatterns = [
    path("", work.InboxView.as_view(), name="inbox"),
    path("all/", work.TaskListView.as_view(), name="task_list"),
    path("new/", work.TaskCreateView.as_view(), name="task_create"),
    path("supervision/", reviews.SupervisionView.as_view(), name="supervision"),
    path("<int:pk>/", work.TaskDetailView.as_view(), name="task_detail"),
    path("<int:pk>/submit/", work.SubmitEvidenceView.as_view(), name="task_submit"),
    path("<int:pk>/verify/", work.VerifyTaskView.as_view(), name="task_verify"),
    path("<int:pk>/return/", work.ReturnTaskView.as_view(), name="task_return"),
    path("<int:pk>/cancel/", work.CancelTaskView.as_view(), name="task_cancel"),
    path("<int:pk>/evidence/", work.EvidenceFileView.as_view(), name="evidence_file"),
    path("files/<int:pk>/", work.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("directives/", orders.DirectiveListView.as_view(), name="directive_list"),
    path("directives/new/", orders.DirectiveCreateView.as_view(), name="directive_create"),
    path("directives/<int:pk>/", orders.DirectiveDetailView.as_view(), name="directive_detail"),
    path("problems/", orders.ProblemListListView.as_view(), name="problemlist_list"),
    path("problems/import/", orders.ProblemImportView.as_view(), name="problemlist_import"),
    path("problems/template.xlsx", orders.ProblemTemplateView.as_view(), name="problem_template"),
    path("problems/<int:pk>/", orders.ProblemListDetailView.as_view(), name="problemlist_detail"),
    path("problems/<int:pk>/ledger.xlsx", orders.LedgerView.as_view(), name="problemlist_ledger"),
    path("plans/", plans.PlanTemplateListView.as_view(), name="plantemplate_list"),
    path("plans/new/", plans.PlanTemplateCreateView.as_view(), name="plantemplate_create"),
    path("plans/<int:pk>/", plans.PlanTemplateDetailView.as_view(), name="plantemplate_detail"),
    path("plans/<int:pk>/<str:code>/", plans.WorkPlanEditView.as_view(), name="workplan_edit"),
    path("plan/<int:pk>/", plans.WorkPlanDetailView.as_view(), name="workplan_detail"),
    path("plan/<int:pk>/return/", plans.WorkPlanReturnView.as_view(), name="workplan_return"),
    path("reviews/", reviews.ReviewListView.as_view(), name="review_list"),
    path("reviews/new/", reviews.ReviewCreateView.as_view(), name="review_create"),
    path("reviews/<int:pk>/", reviews.ReviewDetailView.as_view(), name="review_detail"),
    path(
        "reviews/<int:pk>/improve/", reviews.ImprovementCreateView.as_view(), name="review_improve"
    ),
]
