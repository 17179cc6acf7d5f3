"""The operator's home: the dispatch inbox, today's home monitoring and tests, the placements
and resumption inspections to work, and the imports."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core.views.base import focus_code
from pingji.quarantine.views.placements import PlacementListView
from pingji.reopening.views import EstablishmentListView
from pingji.tracing.views.dispatch import DispatchListView

from .figures import home_monitoring, inbox, listed

#: (label, URL name, permissions): the imports an operator runs, each where its permission is.
IMPORTS = (
    (_("Import test results"), "quarantine:import", ("quarantine.change_scheduledtest",)),
    (
        _("Import establishments"),
        "reopening:establishment_import",
        ("reopening.add_establishment", "core.add_job"),
    ),
    (_("Import a case line list"), "cases:case_import", ("cases.add_case", "core.add_job")),
)


def build(request) -> dict:
    focus = focus_code(request)
    return {
        "dispatches": dispatches(request),
        "monitoring": home_monitoring(
            request, focus, (_("at home today"), _("overdue"), _("tests due today"))
        ),
        "placements": placements(request),
        "work": inbox(request, (_("my open tasks"), _("of them overdue"))),
        "imports": [
            (str(label), reverse(url_name))
            for label, url_name, perms in IMPORTS
            if request.user.has_perms(perms)
        ],
    }


def dispatches(request) -> list:
    """Dispatches (协查) this county received, by how far it has answered them."""
    return [
        listed(
            request,
            DispatchListView,
            "tracing:dispatch_list",
            key,
            label,
            urgent=urgent,
            direction="received",
            status=status,
        )
        for key, label, status, urgent in (
            ("dispatches-unanswered", _("received, not yet acknowledged"), "sent", True),
            ("dispatches-acknowledged", _("acknowledged, not yet located"), "acknowledged", False),
            ("dispatches-located", _("located, not yet under control"), "located", False),
        )
    ]


def placements(request) -> list:
    """People held at a site now, and establishments that applied to resume and await
    inspection."""
    out = [
        listed(
            request,
            PlacementListView,
            "quarantine:placement_list",
            "placements-centralised",
            _("in centralised quarantine"),
            status="active",
            setting="centralised",
        )
    ]
    if request.user.has_perm("reopening.view_establishment"):
        out.append(
            listed(
                request,
                EstablishmentListView,
                "reopening:establishment_list",
                "resumption-applied",
                _("resumption applications awaiting inspection"),
                status="applied",
            )
        )
    return out
