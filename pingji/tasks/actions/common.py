"""Checks shared by the command actions (directives, problem lists, plans, reviews)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import scope_code
from pingji.core.events import record_event
from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction


def require(actor, perm: str, message: str) -> None:
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


def aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def future_error(deadline, now) -> str | None:
    if deadline is None:
        return _("Give a deadline.")
    if aware(deadline) <= now:
        return _("The deadline must be in the future.")
    return None


def event_at(now, kind: str, summary: str, *, subject, code: str, actor, **payload) -> DomainEvent:
    """Record a domain event dated ``now`` (a replay of past work keeps its historical time)."""
    event = record_event(
        kind, summary, jurisdiction_code=code, subject=subject, payload=payload, actor=actor
    )
    DomainEvent.objects.filter(pk=event.pk).update(time=now)
    event.time = now
    return event
