"""Who may issue work to whom: the checks every issuing action shares.

Directives, problem lists, plan templates and reviews all issue work from one level to itself or
the levels below it. They answer the same questions — does the role issue this, which level
issues, is the receiver under it, is the deadline ahead — so the answers live here once and a
refusal reads the same whichever page it came from.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pingji.core.access import scope_code
from pingji.core.actions import aware
from pingji.geo.models import Jurisdiction


def require(actor, perm: str, message: str) -> None:
    """Refuse a role without ``perm`` before anything is read: the page says what it lacks."""
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(message)


def issuer_of(actor, jurisdiction: Jurisdiction | None) -> Jurisdiction:
    """The issuing level: the one given (inside the actor's area) or the actor's own."""
    own = scope_code(actor)
    if own is None:
        raise PermissionDenied(_("You have no jurisdiction to act for."))
    if jurisdiction is None:
        jurisdiction = getattr(actor, "jurisdiction", None)
        if jurisdiction is None:
            raise PermissionDenied(_("Choose the issuing jurisdiction."))
    if not jurisdiction.code.startswith(own):
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    return jurisdiction


def below_error(issuer: Jurisdiction, owner: Jurisdiction | None) -> str | None:
    """Work goes to the issuing level itself or a level below it, never upward or sideways."""
    if owner is None:
        return _("Choose a jurisdiction.")
    if not owner.code.startswith(issuer.code):
        return _("%(owner)s is not under %(issuer)s: work goes down the tree, not sideways.") % {
            "owner": owner.name,
            "issuer": issuer.name,
        }
    return None


def future_error(deadline, now) -> str | None:
    """Work is given a deadline still ahead: one already past would be overdue when issued."""
    if deadline is None:
        return _("Give a deadline.")
    if aware(deadline) <= now:
        return _("The deadline must be in the future.")
    return None
