"""Who may write in the areas domain, asked first by every areas action, and who may decide a
proposal.

Areas, checkpoints and publications are decided by a level of the tree for what lies below it: the
actor's own jurisdiction must hold the code acted on, and their role must carry the permission.
Asked before anything is read, so a refusal says nothing of what exists elsewhere.

A proposal (a risk-area transition, a change of a society-wide measure) is decided with four eyes
(decision 0014): by someone other than its proposer, holding the approval permission, at the
level the proposal requires or above; the decision is recorded on the proposal the same way.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.core.access import ensure_allowed, scope_code
from pingji.core.actions import conflict

from ..choices import TransitionStatus


def may_act_in(actor, code: str, perm: str) -> None:
    """Refuse unless ``code`` lies within the actor's jurisdiction and the role has ``perm``."""
    own = scope_code(actor)
    if own is None or not code.startswith(own) or not actor.has_perm(perm):
        raise PermissionDenied(_("Outside your jurisdiction or role."))


def may_decide(user, proposal, perm: str, level: int) -> bool:
    """Holds ``perm`` at ``level`` (a code length) or above the proposal's jurisdiction, and did
    not propose it."""
    own = scope_code(user)
    return (
        own is not None
        and user.has_perm(perm)
        and proposal.jurisdiction_id.startswith(own)
        and len(own) <= level
        and proposal.proposed_by_id != user.pk
    )


def locked_for_decision(rows, proposal, actor, *, may, not_proposed: str, too_low: str):
    """The proposal from ``rows``, locked, once it still waits for a decision and the actor may
    decide it (``may(actor, locked)``, the caller's rule)."""
    proposal = rows.select_for_update().get(pk=proposal.pk)
    ensure_allowed(actor, proposal, "view")
    if proposal.status != TransitionStatus.PROPOSED:
        raise conflict("status", not_proposed, "not_proposed")
    if proposal.proposed_by_id is not None and proposal.proposed_by_id == getattr(
        actor, "pk", None
    ):
        raise PermissionDenied(_("A proposal is decided by someone other than its proposer."))
    if not may(actor, proposal):
        raise PermissionDenied(too_low)
    return proposal


def settle(proposal, status: str, actor, note: str) -> None:
    """Record the decision (approved or rejected) on a locked proposal."""
    proposal.status, proposal.approved_by, proposal.approved_at = status, actor, clock.now()
    proposal.decision_note = note[:500]
    proposal.save(update_fields=["status", "approved_by", "approved_at", "decision_note"])
