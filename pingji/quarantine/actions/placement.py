"""Placing a person under the regime of the protocol in force, and what every later step shares.

The regime — days, test days, release test — is read from the protocol in force for the person's
home grid on the day they are placed (``protocols.versions.protocol_for`` + ``rules.regime``),
never from constants. The helpers every other family of quarantine writes calls — the row locked
for the step, "still active", the history entry, the next test — live here with the placement
they are about, so that monitoring, release and moving read one definition of each.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, conflict, error, in_future, local_date, record_on
from pingji.core.actions import locked as locked_row
from pingji.core.messages import message
from pingji.people.models import Person
from pingji.protocols import rules
from pingji.protocols.models import Protocol
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .. import schedule
from ..choices import EntryKind, PlacementStatus, RegimeCategory, Setting, TestStatus
from ..contracts import PLACED
from ..models import HistoryEntry, Placement, Room, ScheduledTest, Site
from .sites import free_room


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def entry(placement: Placement, kind: str, actor, at=None, **fields) -> HistoryEntry:
    return HistoryEntry.objects.create(
        placement=placement, kind=kind, at=at or clock.now(), actor=_user(actor), **fields
    )


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
    room is full is refused; nothing is written on any refusal. The event is dated ``placed_at``:
    a placement typed in the evening happened when the person arrived.
    """
    ensure_allowed(actor, person, "view")
    placed_at = aware(placed_at) or clock.now()
    category, exposure_on = _checked_exposure(person, category, exposure_at, contact, placed_at)
    protocol, the_plan, centralised = _planned_regime(
        actor, person, category, exposure_on, local_date(placed_at), site
    )
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
            raise conflict(
                "person", _("This person was placed a moment ago."), "duplicate"
            ) from exc
        ensure_allowed(actor, placement, "add")
        create_tests(placement, the_plan.tests)
        _record_placed(placement, actor, chosen)
    return placement


def _checked_exposure(
    person: Person, category: str, exposure_at, contact, placed_at: datetime.datetime
) -> tuple[str, datetime.date]:
    """The category and the day of last exposure the regime counts from, or a refusal.

    A contact's own tier and exposure win over the defaults: the days are counted from what
    tracing recorded, not from a day retyped here. A placement in the future, or an exposure
    after the placement, is a typing error that would count the regime from the wrong day.
    """
    if contact is not None:
        if contact.person_id != person.pk:
            raise error("contact", _("This contact is another person."))
        category = category if category != RegimeCategory.CLOSE_CONTACT else contact.tier
        exposure_at = exposure_at or contact.last_exposure_at
    if category not in RegimeCategory.values:
        raise error("category", _("Choose the category of the person."))
    if isinstance(exposure_at, datetime.datetime):  # a day of exposure is taken as it is
        exposure_at = aware(exposure_at)
    if exposure_at is None:
        raise error("exposure_at", _("Give the day of the last exposure."), "required")
    exposure_on = (
        local_date(exposure_at) if isinstance(exposure_at, datetime.datetime) else exposure_at
    )
    if in_future(placed_at):
        raise error("placed_at", _("The time is in the future."))
    if exposure_on > local_date(placed_at):
        raise error("exposure_at", _("The last exposure cannot be after the placement."))
    return category, exposure_on


def _planned_regime(
    actor, person: Person, category: str, exposure_on: datetime.date, placed_on, site
) -> tuple[Protocol, schedule.Plan, bool]:
    """The protocol, its plan for this person, and whether they start at a site, or a refusal.

    Decided before the transaction opens, from the protocol alone: a regime already over, or one
    that starts at a site when no site in the actor's area is named, is refused before any row
    is locked.
    """
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
    return protocol, the_plan, centralised


def _record_placed(placement: Placement, actor, room: Room | None) -> None:
    """The history's first entry and the ``quarantine.placed`` event, both dated by the placement.

    The event carries what the situation room counts (``setting``) and what tracing counts
    (``category``), so neither has to read the placement row.
    """
    protocol = placement.protocol
    entry(
        placement,
        EntryKind.PLACED,
        actor,
        at=placement.placed_at,
        to_site=placement.site,
        to_jurisdiction=placement.jurisdiction_id,
        payload={"room": room.number if room else "", "protocol": protocol.code},
    )
    record_on(
        placement,
        PLACED,
        message(
            gettext_noop("%(name)s placed under %(protocol)s until %(end)s"),
            {"name": placement.person.name, "protocol": protocol, "end": placement.planned_end_on},
        ),
        actor=actor,
        at=placement.placed_at,
        payload=placed_payload(placement),
    )


def placed_payload(placement: Placement) -> dict:
    """What ``quarantine.placed`` carries; the demo's replay writes the same."""
    return {
        "category": placement.category,
        "setting": placement.setting,
        "site": placement.site_id,
        "protocol": placement.protocol.code,
        "exposure_on": placement.exposure_on.isoformat(),
        "planned_release_on": placement.planned_release_on.isoformat(),
        "planned_end_on": placement.planned_end_on.isoformat(),
    }


def locked(placement: Placement, actor, action: str = "view") -> Placement:
    return locked_row(placement, actor, action, outside=_("This placement is outside your area."))


def require_active(placement: Placement) -> None:
    if placement.status != PlacementStatus.ACTIVE:
        raise error(
            "placement",
            _("%(placement)s is %(status)s.")
            % {"placement": placement, "status": placement.get_status_display()},
            "not_active",
        )
