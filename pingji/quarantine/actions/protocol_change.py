"""Applying a new protocol's regime to placements under way, and finding those it would change.

A protocol amended or replaced mid-outbreak does not move anyone by itself: the county sees which
placements the edition in force would change (``outdated``, ``proposed_change``) and applies it
to the ones it chooses, saying why (``do_apply_protocol``). The regime's days still count from the
last exposure; only what lies ahead — the dates and the tests from today on — changes.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.actions import error, local_date, record_on
from pingji.core.messages import message
from pingji.protocols import rules
from pingji.protocols.models import Protocol
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .. import schedule
from ..choices import EntryKind, PlacementStatus, TestStatus
from ..contracts import REGIME_CHANGED
from ..models import Placement
from .placement import create_tests, entry, locked, require_active


def proposed_change(placement: Placement, protocol) -> dict | None:
    """What ``protocol`` would change for a placement under way (None when nothing)."""
    regime = rules.regime(protocol, placement.category)
    if not regime.applies:
        return {"applies": False, "clause": regime.clause}
    new = schedule.plan(regime, placement.exposure_on, local_date(placement.placed_at))
    today = clock.today()
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
    today = clock.today()
    done = []
    with transaction.atomic():
        for placement in placements:
            placement = locked(placement, actor, "apply")
            require_active(placement)
            new = _new_plan(placement, protocol)
            old = _dates(placement)
            _replace_plan(placement, protocol, new, today)
            _record_regime_change(placement, actor, protocol=protocol, old=old, reason=reason)
            done.append(placement)
    return done


def _new_plan(placement: Placement, protocol) -> schedule.Plan:
    """What ``protocol``'s regime plans for this placement, counted from its own exposure and day
    of placement; refused (the whole batch with it) when the protocol sets no regime for its
    category, since applying nothing would silently leave the person under the old one."""
    regime = rules.regime(protocol, placement.category)
    if not regime.applies:
        raise error(
            "placements",
            _("%(protocol)s sets no regime for %(placement)s's category.")
            % {"protocol": protocol, "placement": placement},
        )
    return schedule.plan(regime, placement.exposure_on, local_date(placement.placed_at))


def _dates(placement: Placement) -> dict:
    """The protocol and dates of a placement as its history and events keep them."""
    return {
        "protocol": placement.protocol.code,
        "planned_release_on": placement.planned_release_on.isoformat(),
        "planned_end_on": placement.planned_end_on.isoformat(),
    }


def _replace_plan(placement: Placement, protocol, new: schedule.Plan, today: datetime.date) -> None:
    """Cancel the pending tests from today on, schedule the new regime's, and copy its figures.

    Tests already taken stay with their results: the new regime changes what lies ahead, not
    what was done under the old one.
    """
    placement.tests.filter(status=TestStatus.PENDING, scheduled=True, due_on__gte=today).update(
        status=TestStatus.CANCELLED, note=_("Not in %(p)s.") % {"p": protocol}
    )
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


def _record_regime_change(placement: Placement, actor, *, protocol, old: dict, reason: str) -> None:
    """A history entry and a ``quarantine.regime_changed`` event with the dates before and after,
    so whoever asks why someone left earlier or later than planned finds it on the placement."""
    after = _dates(placement)
    entry(
        placement,
        EntryKind.REGIME_CHANGED,
        actor,
        reason=reason,
        payload={"before": old, "after": after},
    )
    record_on(
        placement,
        REGIME_CHANGED,
        message(
            gettext_noop("%(name)s: now under %(protocol)s, end %(end)s (was %(was)s)"),
            {
                "name": placement.person.name,
                "protocol": protocol,
                "end": placement.planned_end_on,
                "was": old["planned_end_on"],
            },
        ),
        actor=actor,
        payload={"before": old, "after": after, "reason": reason},
    )


def outdated(queryset, on: datetime.date | None = None):
    """Active placements whose protocol is not the one in force for their home grid today."""
    on = on or clock.today()
    out = []
    cache: dict[str, Protocol | None] = {}
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
