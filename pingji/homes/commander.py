"""The commander's home, "decide today": the epidemic of the focus by area against yesterday, the
maps, Rt by area, the decisions waiting for them, the backlog below them and the mode in force."""

from django.utils.translation import gettext_lazy as _

from pingji.areas.views.areas import TransitionListView
from pingji.core.views.base import focus_code
from pingji.reopening.views import EstablishmentListView
from pingji.tracing.views.dispatch import DispatchListView

from .figures import listed, overdue_tasks
from .situation import epidemic


def build(request) -> dict:
    focus = focus_code(request)
    return {
        "epidemic": epidemic(request, focus),
        "decisions": decisions(request),
        "backlog": backlog(request),
    }


def decisions(request) -> list:
    """What waits for a commander's decision: risk-area changes proposed (approve or reject),
    approved ones not yet published, and resumption applications inspected (decide)."""
    user, out = request.user, []
    if user.has_perm("areas.change_transition"):
        out.append(
            listed(
                request,
                TransitionListView,
                "areas:transition_list",
                "transitions-proposed",
                _("risk-area changes awaiting approval"),
                urgent=True,
                status="proposed",
            )
        )
        out.append(
            listed(
                request,
                TransitionListView,
                "areas:transition_list",
                "transitions-approved",
                _("approved, awaiting publication"),
                status="approved",
            )
        )
    if user.has_perm("reopening.change_application"):
        out.append(
            listed(
                request,
                EstablishmentListView,
                "reopening:establishment_list",
                "resumption-inspected",
                _("resumption applications inspected, awaiting decision"),
                urgent=True,
                status="inspected",
            )
        )
    return out


def backlog(request) -> list:
    """What is late or unanswered below the commander: dispatches (协查) received and not yet
    acknowledged, and overdue tasks (the task list's own overdue filter)."""
    out = []
    if request.user.has_perm("tracing.view_dispatch"):
        out.append(
            listed(
                request,
                DispatchListView,
                "tracing:dispatch_list",
                "dispatches-unanswered",
                _("dispatches received, not yet acknowledged"),
                urgent=True,
                direction="received",
                status="sent",
            )
        )
    out.append(overdue_tasks(request))
    return out
