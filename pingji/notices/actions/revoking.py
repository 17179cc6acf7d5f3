"""Revoking a notice by hand: a document issued in error, or withdrawn for a reason no event
carries (decision 0043 point 5; reversals by a later decision are ``decisions``')."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.actions import conflict, error, locked, record_on
from pingji.core.messages import message

from ..choices import NoticeStatus
from ..contracts import REVOKED
from ..models import Notice
from .issuing import revoke

#: A revocation says why, in words a resident reading the verification page understands.
MIN_REASON = 4


def do_revoke_notice(notice: Notice, actor, reason: str) -> Notice:
    """Revoke ``notice`` with ``reason``: its verification page says so from then on.

    A notice outside the actor's area, or an actor without ``notices.change_notice``, is
    ``PermissionDenied``; one already revoked or superseded is a ``Conflict`` (409), since its
    state moved; a reason shorter than ``MIN_REASON`` characters is refused on ``reason``.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise error(
            "reason",
            _("Say why the notice is revoked (%(n)d characters at least).") % {"n": MIN_REASON},
            "required",
        )
    with transaction.atomic():
        fresh = locked(notice, actor, "change", outside=_("This notice is outside your area."))
        if fresh.status != NoticeStatus.VALID:
            raise conflict(
                "status",
                _("This notice is already %(status)s.") % {"status": fresh.get_status_display()},
                "not_valid",
            )
        event = record_on(
            fresh,
            REVOKED,
            message(gettext_noop("Notice %(number)s revoked"), {"number": fresh.number}),
            actor=actor,
            payload={"number": fresh.number, "reason": reason[:500]},
        )
        revoke(Notice.objects.filter(pk=fresh.pk), reason=reason, event=event, actor=actor)
        fresh.refresh_from_db()
    return fresh
