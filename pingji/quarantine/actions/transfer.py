"""Moving a person at a site to another site or room, with the placement and its history.

The placement is one continuous episode (decision 0010): a transfer changes where it is held and
which county's site holds it, never its regime or its dates. A person at home who moves is handled
by ``moving`` instead.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error, not_in_future, record_on
from pingji.core.messages import message

from ..choices import EntryKind, Setting
from ..contracts import TRANSFERRED
from ..models import Placement, Room, Site
from .placement import entry, locked, require_active
from .sites import free_room


def do_transfer_placement(
    placement: Placement,
    *,
    actor,
    reason: str,
    site: Site | None = None,
    room: Room | None = None,
    at: datetime.datetime | None = None,
) -> Placement:
    """Move a person at a site to another site (or room); the placement and its history go along.

    The history and the event are dated ``at``, when the person was moved.
    """
    reason = (reason or "").strip()
    at = not_in_future(aware(at) or clock.now(), "at")
    if not reason:
        raise error("reason", _("Say why the person is moved."), "required")
    with transaction.atomic():
        placement = locked(placement, actor, "change")
        require_active(placement)
        site = _checked_destination(placement, actor, site, room)
        before_site, before = placement.site, placement.jurisdiction_id
        placement.room = None
        placement.save(update_fields=["room"])  # frees the bed in case the move is within a site
        chosen = free_room(site, room=room)
        placement.site, placement.room, placement.jurisdiction_id = (
            site,
            chosen,
            site.jurisdiction_id,
        )
        placement.save(update_fields=["site", "room", "jurisdiction"])
        ensure_allowed(actor, placement, "view")
        _record_transfer(placement, actor, before_site, before, site, chosen, reason=reason, at=at)
    return placement


def _checked_destination(placement: Placement, actor, site: Site | None, room: Room | None) -> Site:
    """The site the person goes to, decided under the placement's lock, or a refusal.

    Only a person at a site is transferred; the destination must be a site of the actor's area
    and somewhere else than where the person is (another site, or another room of this one).
    """
    if placement.setting != Setting.CENTRALISED:
        raise error("site", _("Only a person at a site can be transferred to another site."))
    site = site or placement.site  # a centralised placement has one; None reads as unknown
    if site is None or not Site.objects.restrict(actor, "view").filter(pk=site.pk).exists():
        raise error("site", _("No such site in your area."))
    if room is None and site.pk == placement.site_id:
        raise error("site", _("Choose another site or room."))
    if room is not None and room.pk == placement.room_id:
        raise error("room", _("The person is already in room %(room)s.") % {"room": room.number})
    return site


def _record_transfer(
    placement: Placement, actor, before_site, before: str, site: Site, room: Room, *, reason, at
) -> None:
    """The history entry and the ``quarantine.transferred`` event of a move between sites."""
    entry(
        placement,
        EntryKind.TRANSFERRED,
        actor,
        at=at,
        from_site=before_site,
        to_site=site,
        from_jurisdiction=before,
        to_jurisdiction=site.jurisdiction_id,
        reason=reason,
        payload={"room": room.number},
    )
    record_on(
        placement,
        TRANSFERRED,
        message(
            gettext_noop("%(name)s moved from %(from)s to %(to)s, room %(room)s"),
            {"name": placement.person.name, "from": before_site, "to": site, "room": room.number},
        ),
        actor=actor,
        at=at,
        payload={
            "from_site": before_site.pk if before_site else None,
            "to_site": site.pk,
            "room": room.number,
            "reason": reason,
        },
    )
