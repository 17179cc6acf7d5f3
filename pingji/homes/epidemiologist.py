"""The epidemiologist's home: open investigations with their next deadline, the way to the
transmission chains, and Rt by area with its honesty flags."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core.views.base import focus_code
from pingji.tracing.views.investigations import InvestigationListView

from .figures import inbox, list_queryset, listed
from .situation import epidemic

#: Investigations listed on the home: the most urgent few; the list holds the rest.
SHOWN = 8


def build(request) -> dict:
    focus = focus_code(request)
    return {
        "investigations": investigations(request),
        "due": due(request),
        "work": inbox(request, (_("my open tasks"), _("of them overdue"))),
        "links": links(request),
        "epidemic": epidemic(request, focus),
    }


def investigations(request) -> list:
    """Open investigations (core facts due) and those whose core facts are done and whose report
    is still due, each counted by the investigation list."""
    return [
        listed(
            request,
            InvestigationListView,
            "tracing:investigation_list",
            "investigations-open",
            _("investigations open: core facts due"),
            status="open",
        ),
        listed(
            request,
            InvestigationListView,
            "tracing:investigation_list",
            "investigations-core-done",
            _("core facts done: report due"),
            status="core_done",
        ),
    ]


def due(request) -> list:
    """The first investigations of the list (next deadline first) that still owe something."""
    rows = list_queryset(request, InvestigationListView).filter(report_done_at__isnull=True)
    return list(rows[:SHOWN])


def links(request) -> list[tuple[str, str]]:
    """Where the analysis is done: the chains, the clusters and the situation room."""
    out = []
    if request.user.has_perm("tracing.view_link"):
        out.append((str(_("Transmission chains")), reverse("tracing:chain_graph")))
        out.append((str(_("Clusters")), reverse("tracing:cluster_list")))
    if request.user.has_perm("reports.view_dailyreport"):
        out.append((str(_("Situation room")), reverse("reports:situation_focus")))
    return out
