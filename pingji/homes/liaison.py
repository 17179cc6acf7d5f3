"""The enterprise liaison's home: the establishments they are named for, those paused or shut,
and those still without a prevention plan."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.reopening.models import Establishment
from pingji.reopening.views import EstablishmentListView

from .figures import inbox, listed


def build(request) -> dict:
    return {
        "establishments": establishments(request),
        "without_plan": list(
            Establishment.objects.restrict(request.user)
            .filter(plan__isnull=True)
            .only("pk", "name", "status")
            .order_by("name", "pk")
        ),
        "work": inbox(request, (_("my open tasks"), _("of them overdue"))),
    }


def establishments(request) -> list:
    """Their establishments in all, then by the statuses that ask something of them; a liaison's
    list holds only their own (``LiaisonQuerySet``)."""
    out = [
        listed(
            request,
            EstablishmentListView,
            "reopening:establishment_list",
            "establishments",
            _("my establishments"),
        )
    ]
    for key, label, status, urgent in (
        ("establishments-paused", _("paused"), "paused", True),
        ("establishments-closed", pgettext_lazy("establishment status", "closed"), "closed", False),
        ("establishments-applied", _("applied to resume"), "applied", False),
    ):
        out.append(
            listed(
                request,
                EstablishmentListView,
                "reopening:establishment_list",
                key,
                label,
                urgent=urgent,
                status=status,
            )
        )
    return out
