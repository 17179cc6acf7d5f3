"""Who may write in the areas domain, asked first by every areas action.

Areas, checkpoints and publications are decided by a level of the tree for what lies below it: the
actor's own jurisdiction must hold the code acted on, and their role must carry the permission.
Asked before anything is read, so a refusal says nothing of what exists elsewhere.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pingji.core.access import scope_code


def may_act_in(actor, code: str, perm: str) -> None:
    """Refuse unless ``code`` lies within the actor's jurisdiction and the role has ``perm``."""
    own = scope_code(actor)
    if own is None or not code.startswith(own) or not actor.has_perm(perm):
        raise PermissionDenied(_("Outside your jurisdiction or role."))
