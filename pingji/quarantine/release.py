"""Release from centralised quarantine, transfers, and applying a new protocol mid-way.

Release is a decision with an approver (``quarantine.release_placement``): eligibility is computed
(``schedule.eligibility``) and kept with the decision; before eligibility it is refused with the
reasons unless someone holding ``quarantine.override_placement`` gives a justification. Release
hands the person over to their home grid — a home-monitoring task for the grid (kind
``home-monitoring``) until the end of the regime — and a person whose home lies in another county
is pushed there as a dispatch (协查, contract C1). Transfers and releases keep one continuous
history (``HistoryEntry``) on the one placement.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules
from pingji.tasks.actions import do_issue_rule_task
from pingji.tasks.choices import TaskKind

from . import schedule
from .actions import (
    aware,
    create_tests,
    entry,
    error,
    event,
    free_room,
    local_date,
    locked,
    require_active,
)
from .choices import EntryKind, PlacementStatus, Setting, TestStatus
from .followup import do_complete, end_of
from .models import Placement, Release, Room, Site
from .monitoring import DISPATCH_PERMS, with_duty

#: An override must say why; "ok" is not a justification.
MIN_JUSTIFICATION = 10


def dispatch_home(
    placement: Placement,
    county: Jurisdiction,
    *,
    actor,
    reason: str,
    at,
    last_exposure_at: datetime.datetime | None = None,
):
    """Push the person to their home county (contract C1, provided by tracing), sent by the site
    or the grid; ``last_exposure_at`` lets the county place them when this placement ends."""
    from pingji.tracing.actions import do_dispatch_person

    return do_dispatch_person(
        placement.person,
        to_jurisdiction=county,
        reason=reason,
        source=placement,
        actor=with_duty(actor, DISPATCH_PERMS),
        last_exposure_at=last_exposure_at,
        at=at,
    )


def do_release_placement(
    placement: Placement,
    *,
    actor,
    at: datetime.datetime | None = None,
    override: bool = False,
    justification: str = "",
) -> Release:
    """Release from the site into the home phase (or the end, when the regime has none)."""
    at = aware(at) or timezone.now()
    justification = (justification or "").strip()
    with transaction.atomic():
        placement = locked(placement, actor, "release")
        require_active(placement)
        check = schedule.eligibility(placement, local_date(at))
        if not check.eligible:
            if not override:
                raise ValidationError({"placement": check.blocking})
            if not Placement.objects.restrict(actor, "override").filter(pk=placement.pk).exists():
                raise PermissionDenied(_("Your role cannot release before eligibility."))
            if len(justification) < MIN_JUSTIFICATION:
                raise error(
                    "justification",
                    _(
                        "Say why the person is released before eligibility "
                        "(%(n)d characters at least)."
                    )
                    % {"n": MIN_JUSTIFICATION},
                    "required",
                )
        home = Jurisdiction.objects.get(code=placement.home_id)
        site = placement.site
        release = Release.objects.create(
            placement=placement,
            site=site,
            jurisdiction_id=placement.jurisdiction_id,
            decided_at=at,
            approved_by=actor if getattr(actor, "pk", None) else None,
            eligible=check.eligible,
            reasons=[r.as_json() for r in check.reasons],
            overridden=not check.eligible,
            justification=justification if not check.eligible else "",
            to_jurisdiction=home,
        )
        ensure_allowed(actor, release, "view")
        before = placement.jurisdiction_id
        dispatch = None
        if (
            before[:6] != home.code[:6]
            and placement.home_days
            and placement.planned_end_on > local_date(at)
        ):
            dispatch = dispatch_home(
                placement,
                Jurisdiction.objects.get(code=home.code[:6]),
                actor=actor,
                at=at,
                reason=_("Released from %(site)s on %(day)s: home health monitoring until %(end)s.")
                % {"site": site, "day": local_date(at), "end": placement.planned_end_on},
            )
            release.dispatch_id = dispatch.pk
            release.save(update_fields=["dispatch_id"])
        placement.setting, placement.site, placement.room = Setting.HOME, None, None
        placement.jurisdiction_id, placement.released_at = home.code, at
        placement.save(update_fields=["setting", "site", "room", "jurisdiction", "released_at"])
        entry(
            placement,
            EntryKind.RELEASED,
            actor,
            at=at,
            from_site=site,
            from_jurisdiction=before,
            to_jurisdiction=home.code,
            reason=justification,
            payload={"release": release.pk, "eligible": check.eligible},
        )
        if dispatch is not None:
            entry(
                placement,
                EntryKind.DISPATCHED,
                actor,
                at=at,
                from_jurisdiction=before,
                to_jurisdiction=home.code[:6],
                payload={"dispatch": dispatch.pk},
            )
        event(
            "released",
            _("%(name)s released from %(site)s%(early)s")
            % {
                "name": placement.person.name,
                "site": site or _("centralised quarantine"),
                "early": _(" before eligibility") if not check.eligible else "",
            },
            placement,
            actor,
            release=release.pk,
            eligible=check.eligible,
            overridden=not check.eligible,
            justification=justification,
            to=home.code,
        )
        if placement.home_days == 0 or placement.planned_end_on <= local_date(at):
            do_complete(placement, actor=actor, at=at)
            return release
        do_issue_rule_task(
            release,
            actor=actor,
            owner=home,
            kind=TaskKind.HOME_MONITORING,
            title=_("Home health monitoring of %(name)s until %(end)s")
            % {"name": placement.person.name, "end": placement.planned_end_on},
            deadline=end_of(placement.planned_end_on),
            description=_("Daily check-in; tests on %(days)s.")
            % {
                "days": ", ".join(
                    str(t.due_on)
                    for t in placement.tests.filter(setting=Setting.HOME, status=TestStatus.PENDING)
                )
                or "—"
            },
        )
    return release


def do_transfer_placement(
    placement: Placement,
    *,
    actor,
    reason: str,
    site: Site | None = None,
    room: Room | None = None,
    at: datetime.datetime | None = None,
) -> Placement:
    """Move a person at a site to another site (or room); the placement and its history go along."""
    reason = (reason or "").strip()
    at = aware(at) or timezone.now()
    if not reason:
        raise error("reason", _("Say why the person is moved."), "required")
    with transaction.atomic():
        placement = locked(placement, actor, "change")
        require_active(placement)
        if placement.setting != Setting.CENTRALISED:
            raise error("site", _("Only a person at a site can be transferred to another site."))
        site = site or placement.site
        if not Site.objects.restrict(actor, "view").filter(pk=site.pk).exists():
            raise error("site", _("No such site in your area."))
        if room is None and site.pk == placement.site_id:
            raise error("site", _("Choose another site or room."))
        before_site, before = placement.site, placement.jurisdiction_id
        if room is not None and room.pk == placement.room_id:
            raise error(
                "room", _("The person is already in room %(room)s.") % {"room": room.number}
            )
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
            payload={"room": chosen.number},
        )
        event(
            "transferred",
            _("%(name)s moved from %(from)s to %(to)s, room %(room)s")
            % {
                "name": placement.person.name,
                "from": before_site,
                "to": site,
                "room": chosen.number,
            },
            placement,
            actor,
            from_site=before_site.pk if before_site else None,
            to_site=site.pk,
            room=chosen.number,
            reason=reason,
        )
    return placement


# --- protocol changes ------------------------------------------------------------------------


def proposed_change(placement: Placement, protocol) -> dict | None:
    """What ``protocol`` would change for a placement under way (None when nothing)."""
    regime = rules.regime(protocol, placement.category)
    if not regime.applies:
        return {"applies": False, "clause": regime.clause}
    new = schedule.plan(regime, placement.exposure_on, local_date(placement.placed_at))
    today = timezone.localdate()
    old_days = sorted(
        t.due_on
        for t in placement.tests.all()
        if t.status == TestStatus.PENDING and t.scheduled and t.due_on >= today
    )
    new_days = sorted(t.due_on for t in new.tests if t.due_on >= today)
    change = {
        "applies": True,
        "planned_release_on": (placement.planned_release_on, new.planned_release_on),
        "planned_end_on": (placement.planned_end_on, new.planned_end_on),
        "tests": (old_days, new_days),
        "clause": new.clause,
    }
    same = (
        new.planned_release_on == placement.planned_release_on
        and new.planned_end_on == placement.planned_end_on
        and old_days == new_days
    )
    return None if same else change


def do_apply_protocol(placements, *, actor, protocol, reason: str) -> list[Placement]:
    """Put the chosen placements under ``protocol``'s regime, saying why; all or nothing.

    Dates and the pending tests from today on are replaced by the new regime's; past results stay.
    Each placement gets a history entry and an event with its old and new dates.
    """
    reason = (reason or "").strip()
    if not reason:
        raise error("reason", _("Say why the new protocol is applied."), "required")
    placements = list(placements)
    if not placements:
        raise error("placements", _("Choose at least one placement."), "required")
    today = timezone.localdate()
    done = []
    with transaction.atomic():
        for placement in placements:
            placement = locked(placement, actor, "apply")
            require_active(placement)
            regime = rules.regime(protocol, placement.category)
            if not regime.applies:
                raise error(
                    "placements",
                    _("%(protocol)s sets no regime for %(placement)s's category.")
                    % {"protocol": protocol, "placement": placement},
                )
            new = schedule.plan(regime, placement.exposure_on, local_date(placement.placed_at))
            old = {
                "protocol": placement.protocol.code,
                "planned_release_on": placement.planned_release_on.isoformat(),
                "planned_end_on": placement.planned_end_on.isoformat(),
            }
            placement.tests.filter(
                status=TestStatus.PENDING, scheduled=True, due_on__gte=today
            ).update(status=TestStatus.CANCELLED, note=_("Not in %(p)s.") % {"p": protocol})
            create_tests(placement, [t for t in new.tests if t.due_on >= today])
            placement.refresh_from_db()
            placement.protocol, placement.clause = protocol, new.clause[:300]
            placement.centralized_days = new.centralized_days
            placement.home_quarantine_days = new.home_quarantine_days
            placement.home_monitoring_days = new.home_monitoring_days
            placement.release_test = new.release_test
            placement.planned_release_on, placement.planned_end_on = (
                new.planned_release_on,
                new.planned_end_on,
            )
            placement.save()
            after = {
                "protocol": protocol.code,
                "planned_release_on": new.planned_release_on.isoformat(),
                "planned_end_on": new.planned_end_on.isoformat(),
            }
            entry(
                placement,
                EntryKind.REGIME_CHANGED,
                actor,
                reason=reason,
                payload={"before": old, "after": after},
            )
            event(
                "regime_changed",
                _("%(name)s: now under %(protocol)s, end %(end)s (was %(was)s)")
                % {
                    "name": placement.person.name,
                    "protocol": protocol,
                    "end": new.planned_end_on,
                    "was": old["planned_end_on"],
                },
                placement,
                actor,
                before=old,
                after=after,
                reason=reason,
            )
            done.append(placement)
    return done


def outdated(queryset, on: datetime.date | None = None):
    """Active placements whose protocol is not the one in force for their home grid today."""
    from pingji.protocols.versions import NoProtocolInForce, protocol_for

    on = on or timezone.localdate()
    out = []
    cache: dict[str, object] = {}
    for placement in queryset.filter(status=PlacementStatus.ACTIVE).select_related(
        "person", "protocol"
    ):
        code = placement.home_id
        if code not in cache:
            try:
                cache[code] = protocol_for(code, on)
            except NoProtocolInForce:
                cache[code] = None
        current = cache[code]
        if current is not None and current.pk != placement.protocol_id:
            out.append((placement, current, proposed_change(placement, current)))
    return out
