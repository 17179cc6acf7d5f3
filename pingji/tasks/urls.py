from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("all/", views.TaskListView.as_view(), name="task_list"),
    path("new/", views.TaskCreateView.as_view(), name="task_create"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("<int:pk>/submit/", views.SubmitEvidenceView.as_view(), name="task_submit"),
    path("<int:pk>/verify/", views.VerifyTaskView.as_view(), name="task_verify"),
    path("<int:pk>/return/", views.ReturnTaskView.as_view(), name="task_return"),
    path("<int:pk>/cancel/", views.CancelTaskView.as_view(), name="task_cancel"),
    path("<int:pk>/evidence/", views.EvidenceFileView.as_view(), name="evidence_file"),
]
