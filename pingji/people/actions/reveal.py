"""The audited reveal of a person's plain identity number and phone (decision 0031).

A reveal decrypts, so it is an action like any write: it needs ``people.reveal_person`` in the
person's area and a reason, and it records who saw what and why (``people.identity_revealed``).
``checked_reason`` is shared with the blind search (``search``), which is recorded the same way.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import error
from pingji.core.events import record_event
from pingji.core.messages import message

from ..contracts import IDENTITY_REVEALED
from ..models import Person

#: A reveal must say why; the reason is kept in the event payload for the auditor.
REASON_MAX_LENGTH = 300


def checked_reason(reason: str | None, missing: str) -> str:
    """The stripped reason of a reveal or an identity search, or an error on ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise error("reason", missing, "required")
    if len(reason) > REASON_MAX_LENGTH:
        raise error(
            "reason",
            _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH},
            "max_length",
        )
    return reason


def do_reveal_identity(person: Person, *, actor, reason: str) -> dict[str, str]:
    """Show a person's plain identity number and phone to an actor holding ``people.reveal_person``.

    Every reveal is a ``people.identity_revealed`` event naming the actor and the reason given
    (decision 0031); without the permission nothing is decrypted and nothing recorded.
    """
    ensure_allowed(actor, person, "reveal")
    reason = checked_reason(reason, _("Say why you need the identity data."))
    with transaction.atomic():
        values = person.reveal()
        record_event(
            IDENTITY_REVEALED,
            message(
                gettext_noop("Identity of %(name)s revealed: %(reason)s"),
                {"name": person.name, "reason": reason},
            ),
            jurisdiction_code=person.jurisdiction_id,
            subject=person,
            actor=actor,
            payload={"reason": reason, "fields": [k for k, v in values.items() if v]},
        )
    return values


def ensure_can_reveal(user) -> None:
    """Raise PermissionDenied unless the user's role may reveal identity data at all."""
    if not user.has_perm("people.reveal_person"):
        raise PermissionDenied(_("Your role may not reveal identity data."))
