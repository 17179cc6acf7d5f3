from django.urls import path
from rest_framework.routers import DefaultRouter

from . import command
from .views import TaskViewSet

router = DefaultRouter()
router.register("tasks", TaskViewSet)
router.register("directives", command.DirectiveViewSet)
router.register("problem-lists", command.ProblemListViewSet)
router.register("problem-items", command.ProblemItemViewSet)
router.register("plan-templates", command.PlanTemplateViewSet)
router.register("work-plans", command.WorkPlanViewSet)
router.register("reviews", command.ReviewViewSet)
router.register("evidence-files", command.EvidenceFileViewSet)
urlpatterns = [
    path("supervision/", command.SupervisionView.as_view(), name="tasks-supervision"),
    *router.urls,
]
