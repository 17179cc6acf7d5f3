"""Quarantine sites: registering one, its rooms and staff, and the bed a new arrival takes.

A site is in the county's area (decision 0011): its staff see the people placed there, and a
room's beds bound how many it holds. ``free_room`` is here rather than with placing because a
placement and a transfer between sites both ask it, under the same lock, for the same bed.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import error
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..choices import PlacementStatus, Setting, SiteStatus
from ..contracts import SITE_CREATED
from ..models import Placement, Room, Site, SiteStaff


def do_create_site(
    *,
    actor,
    name: str,
    kind: str,
    jurisdiction: Jurisdiction,
    rooms: int = 0,
    address: str = "",
    phone: str = "",
    place=None,
    status: str = SiteStatus.OPEN,
) -> Site:
    """Register a site with ``rooms`` single rooms numbered 1…n (more can be added later)."""
    site = Site(
        name=(name or "").strip(),
        kind=kind,
        jurisdiction=jurisdiction,
        address=(address or "").strip(),
        phone=(phone or "").strip(),
        place=place,
        status=status,
    )
    site.full_clean()
    if rooms < 0 or rooms > 5000:
        raise error("rooms", _("A site has between 0 and 5000 rooms."))
    with transaction.atomic():
        site.save()
        ensure_allowed(actor, site, "add")
        Room.objects.bulk_create(Room(site=site, number=str(n)) for n in range(1, rooms + 1))
        record_event(
            SITE_CREATED,
            message(
                gettext_noop("Quarantine site %(name)s registered with %(rooms)d rooms"),
                {"name": site.name, "rooms": rooms},
            ),
            jurisdiction_code=site.jurisdiction_id,
            subject=site,
            actor=actor,
            payload={"rooms": rooms},
        )
    return site


def do_add_room(site: Site, *, actor, number: str, beds: int = 1) -> Room:
    number = (number or "").strip()
    with transaction.atomic():
        if not Site.objects.restrict(actor, "change").filter(pk=site.pk).exists():
            raise PermissionDenied(_("This site is outside your area."))
        if Room.objects.filter(site=site, number=number).exists():
            raise error("number", _("Room %(n)s already exists at this site.") % {"n": number})
        room = Room(site=site, number=number, beds=beds)
        room.full_clean()
        room.save()
    return room


def do_assign_staff(site: Site, *, actor, user) -> SiteStaff:
    """Make ``user`` staff of ``site``; a site manager then sees this site (decision 0011)."""
    with transaction.atomic():
        if not Site.objects.restrict(actor, "change").filter(pk=site.pk).exists():
            raise PermissionDenied(_("This site is outside your area."))
        if not (user.jurisdiction_id or "").startswith(site.jurisdiction_id[:6]):
            raise error("user", _("%(user)s does not work in this site's county.") % {"user": user})
        staff, created = SiteStaff.objects.get_or_create(site=site, user=user)
        if not created:
            raise error(
                "user", _("%(user)s is already staff of %(site)s.") % {"user": user, "site": site}
            )
        ensure_allowed(actor, staff, "add")
    return staff


def free_room(site: Site, *, room: Room | None = None) -> Room:
    """The room to put someone in (the one asked for, else the first with a free bed).

    The rooms are locked for the transaction so two arrivals never take the same last bed.
    """
    if site.status != SiteStatus.OPEN:
        raise error(
            "site",
            _("%(site)s is %(status)s and takes nobody.")
            % {"site": site, "status": site.get_status_display()},
        )
    rooms = Room.objects.select_for_update().filter(site=site, out_of_service=False)
    if room is not None:
        rooms = rooms.filter(pk=room.pk)
        if not rooms.exists():
            raise error(
                "room",
                _("Room %(room)s is not an available room of %(site)s.")
                % {"room": room.number, "site": site},
            )
    taken: dict[int, int] = {}  # room pk → beds taken
    for row in Placement.objects.filter(
        room__in=rooms, status=PlacementStatus.ACTIVE, setting=Setting.CENTRALISED
    ).values_list("room_id", flat=True):
        taken[row] = taken.get(row, 0) + 1
    for candidate in rooms.order_by("number"):
        if taken.get(candidate.pk, 0) < candidate.beds:
            return candidate
    if room is not None:
        raise error(
            "room",
            _("Room %(room)s is full (%(beds)d of %(beds)d beds taken).")
            % {"room": room.number, "beds": room.beds},
            "over_capacity",
        )
    raise error("site", _("%(site)s is full.") % {"site": site}, "over_capacity")
