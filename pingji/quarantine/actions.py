"""Sites, placements under the protocol in force, health checks and test results.

Each action runs in one transaction, checks the actor's scope before the write and again after it
(handbook, conventions 2-3) and records a ``quarantine.*`` domain event. The regime — days, test
days, release test — is read from the protocol in force for the person's home grid on the day
they are placed (``protocols.versions.protocol_for`` + ``rules.regime``), never from constants;
checks and results are in ``monitoring.py``, release, transfers and protocol changes in
``release.py``, alerts and the end of monitoring in ``followup.py``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from . import schedule
from .choices import (
    EntryKind,
    PlacementStatus,
    RegimeCategory,
    Setting,
    SiteStatus,
    TestStatus,
)
from .models import HistoryEntry, Placement, Room, ScheduledTest, Site, SiteStaff

#: Clocks drift; a time this far ahead of ours is still "now" (as cases.actions).
FUTURE_SLACK = datetime.timedelta(minutes=5)


def error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def aware(value):
    if value is None or not isinstance(value, datetime.datetime) or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, timezone.get_default_timezone())


def local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def event(kind: str, summary: str, placement: Placement, actor, **payload) -> None:
    record_event(
        f"quarantine.{kind}",
        summary,
        jurisdiction_code=placement.jurisdiction_id,
        subject=placement,
        actor=actor,
        payload=payload,
    )


def entry(placement: Placement, kind: str, actor, at=None, **fields) -> HistoryEntry:
    return HistoryEntry.objects.create(
        placement=placement, kind=kind, at=at or timezone.now(), actor=_user(actor), **fields
    )


# --- sites ----------------------------------------------------------------------------------


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
            "quarantine.site_created",
            _("Quarantine site %(name)s registered with %(rooms)d rooms")
            % {"name": site.name, "rooms": rooms},
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


# --- placing ---------------------------------------------------------------------------------


def active_placement(person: Person) -> Placement | None:
    return Placement.objects.filter(person=person, status=PlacementStatus.ACTIVE).first()


def duplicate_message(existing: Placement) -> str:
    where = existing.site.name if existing.site is not None else existing.get_setting_display()
    return _(
        "%(name)s is already under %(placement)s (%(where)s, since %(day)s, until %(end)s)."
    ) % {
        "name": existing.person.name,
        "placement": existing,
        "where": where,
        "day": local_date(existing.placed_at).isoformat(),
        "end": existing.planned_end_on.isoformat(),
    }


def regime_plan(person: Person, category: str, exposure_on, placed_on):
    """The protocol in force for the person's home grid and what its regime plans for them."""
    try:
        protocol = protocol_for(person.jurisdiction_id, placed_on)
    except NoProtocolInForce as exc:
        raise error("category", str(exc), "no_protocol") from exc
    regime = rules.regime(protocol, category)
    if not regime.applies:
        raise error(
            "category",
            _("%(protocol)s sets no quarantine for %(category)s.")
            % {"protocol": protocol, "category": RegimeCategory(category).label},
            "not_applicable",
        )
    return protocol, schedule.plan(regime, exposure_on, placed_on)


def create_tests(placement: Placement, tests) -> None:
    ScheduledTest.objects.bulk_create(
        ScheduledTest(
            placement=placement,
            day=t.day,
            home_day=t.home_day,
            setting=t.setting,
            due_on=t.due_on,
            double_sampling=t.double_sampling,
        )
        for t in tests
    )
    refresh_next_test(placement)


def refresh_next_test(placement: Placement) -> None:
    first = (
        placement.tests.filter(status=TestStatus.PENDING)
        .order_by("due_on")
        .values("due_on")
        .first()
    )
    placement.next_test_on = first["due_on"] if first else None
    Placement.objects.filter(pk=placement.pk).update(next_test_on=placement.next_test_on)


def new_placement(
    person: Person, plan, *, protocol, category, contact, room, placed_at, placed_by
) -> Placement:
    """The unsaved placement of ``plan``: at ``room``'s site, or at home without a room."""
    return Placement(
        person=person,
        contact=contact,
        category=category,
        protocol=protocol,
        clause=plan.clause[:300],
        exposure_on=plan.exposure_on,
        centralized_days=plan.centralized_days,
        home_quarantine_days=plan.home_quarantine_days,
        home_monitoring_days=plan.home_monitoring_days,
        release_test=plan.release_test,
        planned_release_on=plan.planned_release_on,
        planned_end_on=plan.planned_end_on,
        setting=Setting.CENTRALISED if room else Setting.HOME,
        site=room.site if room else None,
        room=room,
        jurisdiction_id=room.site.jurisdiction_id if room else person.jurisdiction_id,
        home_id=person.jurisdiction_id,
        placed_at=placed_at,
        placed_by=placed_by,
    )


def do_place_person(
    *,
    actor,
    person: Person,
    category: str = RegimeCategory.CLOSE_CONTACT,
    exposure_at=None,
    contact=None,
    site: Site | None = None,
    room: Room | None = None,
    placed_at: datetime.datetime | None = None,
) -> Placement:
    """Place a person under the regime of the protocol in force, counted from the last exposure.

    From a tracing contact the category and the last exposure come from the contact. A person
    already under an active placement is refused, naming it; a site that is full, closed or whose
    room is full is refused; nothing is written on any refusal.
    """
    ensure_allowed(actor, person, "view")
    placed_at = aware(placed_at) or timezone.now()
    if contact is not None:
        if contact.person_id != person.pk:
            raise error("contact", _("This contact is another person."))
        category = category if category != RegimeCategory.CLOSE_CONTACT else contact.tier
        exposure_at = exposure_at or contact.last_exposure_at
    if category not in RegimeCategory.values:
        raise error("category", _("Choose the category of the person."))
    exposure_at = aware(exposure_at)
    if exposure_at is None:
        raise error("exposure_at", _("Give the day of the last exposure."), "required")
    exposure_on = (
        local_date(exposure_at) if isinstance(exposure_at, datetime.datetime) else exposure_at
    )
    placed_on = local_date(placed_at)
    if placed_at > timezone.now() + FUTURE_SLACK:
        raise error("placed_at", _("The time is in the future."))
    if exposure_on > placed_on:
        raise error("exposure_at", _("The last exposure cannot be after the placement."))
    protocol, the_plan = regime_plan(person, category, exposure_on, placed_on)
    if the_plan.planned_end_on < placed_on:
        raise error(
            "exposure_at",
            _("The regime ended on %(end)s, before this placement: nobody to place.")
            % {"end": the_plan.planned_end_on.isoformat()},
            "over",
        )
    centralised = (
        the_plan.setting == Setting.CENTRALISED and placed_on <= the_plan.planned_release_on
    )
    if centralised and site is None:
        raise error(
            "site", _("The regime starts with centralised quarantine: choose a site."), "required"
        )
    if site is not None and not Site.objects.restrict(actor, "view").filter(pk=site.pk).exists():
        raise error("site", _("No such site in your area."))
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one placement at a time
        existing = active_placement(person)
        if existing is not None:
            raise error("person", duplicate_message(existing), "duplicate")
        # ``centralised`` without a site was refused above; the check narrows ``site`` for mypy.
        chosen = free_room(site, room=room) if centralised and site is not None else None
        placement = new_placement(
            person,
            the_plan,
            protocol=protocol,
            category=category,
            contact=contact,
            room=chosen,
            placed_at=placed_at,
            placed_by=_user(actor),
        )
        try:
            with transaction.atomic():
                placement.save()
        except IntegrityError as exc:
            raise error("person", _("This person was placed a moment ago."), "duplicate") from exc
        ensure_allowed(actor, placement, "add")
        create_tests(placement, the_plan.tests)
        entry(
            placement,
            EntryKind.PLACED,
            actor,
            at=placed_at,
            to_site=placement.site,
            to_jurisdiction=placement.jurisdiction_id,
            payload={"room": chosen.number if chosen else "", "protocol": protocol.code},
        )
        event(
            "placed",
            _("%(name)s placed under %(protocol)s until %(end)s")
            % {"name": person.name, "protocol": protocol, "end": placement.planned_end_on},
            placement,
            actor,
            category=category,
            setting=placement.setting,
            site=placement.site_id,
            protocol=protocol.code,
            exposure_on=exposure_on.isoformat(),
            planned_release_on=placement.planned_release_on.isoformat(),
            planned_end_on=placement.planned_end_on.isoformat(),
        )
    return placement


def locked(placement: Placement, actor, action: str = "view") -> Placement:
    fresh = (
        Placement.objects.restrict(actor, action)
        .select_for_update()
        .filter(pk=placement.pk)
        .first()
    )
    if fresh is None:
        raise PermissionDenied(_("This placement is outside your area."))
    return fresh


def require_active(placement: Placement) -> None:
    if placement.status != PlacementStatus.ACTIVE:
        raise error(
            "placement",
            _("%(placement)s is %(status)s.")
            % {"placement": placement, "status": placement.get_status_display()},
            "not_active",
        )
