"""Designating areas, proposing, approving and publishing their transitions.

Each action runs in one transaction, checks the actor's scope before the write and again after it
(docs/architecture.md, "Conventions every app follows") and records a domain event on the area.
Levels, measures and lifting criteria come from the protocol in force (``protocols.rules``); who
must approve is decision 0014:

- a transition is **proposed** with the evaluation of its criteria frozen into it; a step-down or
  lifting the criteria do not support is an **override** and needs a written justification;
- it is **approved** by a user holding ``areas.approve_transition`` at the county of the area or
  above (an override: at the city or above), never by its proposer;
- approved transitions take effect only when **published**: the publication is the list the public
  sees, and the area's level changes there and nowhere else.

Events: ``areas.proposed``, ``areas.approved`` and ``areas.rejected`` here; publishing
(``publishing``) records ``areas.published`` on each area and ``areas.list_published``.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import (
    aware,
    conflict,
    error,
    field_errors,
    in_future,
    local_date,
    record_on,
)
from pingji.core.messages import Message, message
from pingji.geo.models import Jurisdiction, Place
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from ..choices import PENDING, AreaStatus, RiskLevel, TransitionKind, TransitionStatus
from ..contracts import APPROVED, PROPOSED, REJECTED
from ..evaluation import evaluate
from ..models import RiskArea, Transition
from . import scope
from .scope import may_act_in

#: Code lengths of the levels that approve (decision 0014): county, and city for an override.
COUNTY, CITY = 6, 4


def _protocol(code: str, at: datetime.datetime, field: str):
    try:
        protocol = protocol_for(code, at)
    except NoProtocolInForce as exc:
        raise error(field, str(exc), "no_protocol") from exc
    if not rules.risk_levels(protocol):
        raise error(
            field,
            _("%(protocol)s designates no risk areas.") % {"protocol": protocol.name},
            "no_risk_areas",
        )
    return protocol


def _level_rules(protocol, level: str, field: str = "level"):
    found = rules.risk_level(protocol, level)
    if found is None:
        names = ", ".join(r.level for r in rules.risk_levels(protocol))
        raise error(
            field,
            _("%(protocol)s has no level %(level)r; its levels are: %(levels)s.")
            % {"protocol": protocol.name, "level": level, "levels": names},
            "unknown_level",
        )
    return found


def _check_extent(jurisdiction: Jurisdiction, places, jurisdictions) -> tuple[list, list]:
    """Places and jurisdictions of an extent, all known and all inside ``jurisdiction``."""
    place_ids = [getattr(p, "pk", p) for p in places or ()]
    codes = [getattr(j, "pk", j) for j in jurisdictions or ()]
    errors = {}
    if not place_ids and not codes:
        errors["places"] = _("An area needs at least one place or jurisdiction in its extent.")
    found_places = {p.pk: p for p in Place.objects.filter(pk__in=[p for p in place_ids if p])}
    unknown = [str(p) for p in place_ids if p not in found_places]
    outside = [
        p.name for p in found_places.values() if not p.jurisdiction_id.startswith(jurisdiction.pk)
    ]
    if unknown:
        errors["places"] = _("Unknown place(s): %(ids)s.") % {"ids": ", ".join(unknown)}
    elif outside:
        errors["places"] = _("Outside %(name)s: %(places)s.") % {
            "name": jurisdiction.name,
            "places": ", ".join(outside),
        }
    found_codes = set(Jurisdiction.objects.filter(code__in=codes).values_list("code", flat=True))
    bad = [str(c) for c in codes if c not in found_codes or not str(c).startswith(jurisdiction.pk)]
    if bad:
        errors["jurisdictions"] = _("Unknown or outside %(name)s: %(codes)s.") % {
            "name": jurisdiction.name,
            "codes": ", ".join(bad),
        }
    if errors:
        raise field_errors(errors)
    return list(found_places.values()), sorted(found_codes)


@transaction.atomic
def do_designate_area(
    *,
    actor,
    jurisdiction: Jurisdiction,
    name: str,
    level: str,
    legal_basis: str,
    decided_at: datetime.datetime | None,
    places=(),
    jurisdictions=(),
    measures: str = "",
    effective_at: datetime.datetime | None = None,
    reason: str = "",
) -> RiskArea:
    """Propose a new area at a level of the protocol in force, with its extent and order number.

    It is a proposal: the area is in force once its designation is approved and published. The
    event is dated ``decided_at``, the time of the order, whenever it was entered.
    """
    may_act_in(actor, jurisdiction.pk, "areas.add_riskarea")
    decided_at, effective_at = _checked_order(name, legal_basis, decided_at, effective_at)
    protocol = _protocol(jurisdiction.pk, decided_at, "level")
    spec = _level_rules(protocol, level)
    found_places, codes = _check_extent(jurisdiction, places, jurisdictions)
    area = RiskArea.objects.create(
        jurisdiction=jurisdiction,
        name=name.strip()[:200],
        level=level,
        status=AreaStatus.PROPOSED,
        measures=(measures or spec.measures)[:2000],
        legal_basis=legal_basis.strip()[:200],
        protocol=protocol,
        decided_at=decided_at,
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
    area.places.set(found_places)
    area.jurisdictions.set(codes)
    t = Transition.objects.create(
        area=area,
        jurisdiction=jurisdiction,
        kind=TransitionKind.DESIGNATE,
        to_level=level,
        protocol=protocol,
        clause=spec.clause[:300],
        criteria_met=True,
        reason=reason,
        legal_basis=area.legal_basis,
        effective_at=effective_at,
        proposed_by=area.decided_by,
    )
    record_on(
        area,
        PROPOSED,
        message(
            gettext_noop("Designation proposed: %(area)s (%(level)s)"),
            {"area": area.name, "level": level_label(level)},
        ),
        actor=actor,
        at=decided_at,
        payload={"transition": t.pk, "kind": t.kind, "to_level": level},
    )
    ensure_allowed(actor, area, "view")
    return area


def _checked_order(
    name: str,
    legal_basis: str,
    decided_at: datetime.datetime | None,
    effective_at: datetime.datetime | None,
) -> tuple[datetime.datetime, datetime.datetime]:
    """The order's decision and effective times, or every problem of the order refused at once.

    An area is designated by an order with a number; a decision in the future, or an area in
    force before it was decided, is a typing error that would date the area on the wrong day.
    """
    decided_at = aware(decided_at)
    effective_at = aware(effective_at) or decided_at
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("Give the area a name.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("Give the order's document number.")
    if decided_at is None:
        errors["decided_at"] = _("Give the time of the decision.")
    elif in_future(decided_at):
        errors["decided_at"] = _("The decision time is in the future.")
    elif effective_at and effective_at < decided_at:
        errors["effective_at"] = _("An area cannot take effect before it was decided.")
    if errors or decided_at is None or effective_at is None:
        raise field_errors(errors)
    return decided_at, effective_at


def _kind(protocol, area: RiskArea, to_level: str) -> str:
    if not to_level:
        return TransitionKind.LIFT
    here = _level_rules(protocol, area.level, "to_level").order
    there = _level_rules(protocol, to_level, "to_level").order
    if there == here:
        raise error("to_level", _("The area is already at this level."), "same_level")
    return TransitionKind.RAISE if there < here else TransitionKind.STEP_DOWN


@transaction.atomic
def do_propose_transition(
    area: RiskArea,
    *,
    actor,
    to_level: str,
    effective_at: datetime.datetime | None,
    reason: str = "",
    justification: str = "",
    legal_basis: str = "",
) -> Transition:
    """Propose raising, stepping down or lifting an area in force.

    A step-down or lifting is checked against the criteria as evaluated at the end of the day
    before it takes effect; when they do not support it, the proposal is an override and needs a
    justification. Raising an area needs no criteria: a new infection is reason enough.
    """
    may_act_in(actor, area.jurisdiction_id, "areas.change_riskarea")
    area = RiskArea.objects.select_for_update().get(pk=area.pk)
    effective_at = _checked_change(area, aware(effective_at))
    to_level = to_level or ""
    protocol = _protocol(area.jurisdiction_id, effective_at, "to_level")
    kind = _kind(protocol, area, to_level)
    t = Transition(
        area=area,
        jurisdiction_id=area.jurisdiction_id,
        kind=kind,
        from_level=area.level,
        to_level=to_level,
        protocol=protocol,
        reason=reason,
        legal_basis=(legal_basis or "").strip()[:200],
        effective_at=effective_at,
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    if kind == TransitionKind.RAISE:
        t.criteria_met = True
        t.clause = _level_rules(protocol, to_level).clause[:300]
    else:
        _judge_against_criteria(t, protocol, justification)
    t.save()
    _record_proposed(area, t, actor)
    ensure_allowed(actor, t, "view")
    return t


def level_label(level: str):
    """A risk level's label, lazy so an event reads it in its reader's language; a key no longer
    among the levels (or none) as it is."""
    return RiskLevel(level).label if level in RiskLevel.values else (level or "—")


def transition_name(t: Transition) -> Message:
    """How an event names a transition, translated when read (``Transition.__str__``)."""
    return message(
        gettext_noop("%(area)s · %(kind)s"),
        {"area": t.area.name, "kind": TransitionKind(t.kind).label},
    )


def _record_proposed(area: RiskArea, t: Transition, actor) -> None:
    """``areas.proposed`` on the area, saying whether it is an override and why: the approver
    and the situation room see the justification without opening the transition."""
    record_on(
        area,
        PROPOSED,
        message(
            gettext_noop("%(kind)s proposed: %(area)s %(from)s → %(to)s"),
            {
                "kind": TransitionKind(t.kind).label,
                "area": area.name,
                "from": level_label(area.level),
                "to": level_label(t.to_level) if t.to_level else TransitionKind.LIFT.label,
            },
        ),
        actor=actor,
        payload={
            "transition": t.pk,
            "kind": t.kind,
            "to_level": t.to_level,
            "override": t.override,
            "justification": t.justification,
        },
    )


def _checked_change(area: RiskArea, effective_at: datetime.datetime | None) -> datetime.datetime:
    """The time a change of the locked area takes effect, or why no change can be proposed.

    One transition at a time per area, and only of an area in force: two pending changes would
    each be judged against a level the other is about to change.
    """
    if area.status != AreaStatus.ACTIVE:
        raise conflict("to_level", _("Only an area in force can change level."), "not_active")
    if area.transitions.filter(status__in=PENDING).exists():
        raise conflict(
            "to_level",
            _("A transition of this area is already awaiting approval or publication."),
            "pending",
        )
    if effective_at is None:
        raise error("effective_at", _("Give the time it takes effect."))
    if effective_at < area.decided_at or (area.level_since and effective_at < area.level_since):
        raise error(
            "effective_at",
            _("It cannot take effect before the area's decision or its current level."),
            "before_decision",
        )
    return effective_at


def _judge_against_criteria(t: Transition, protocol, justification: str) -> None:
    """Freeze into ``t`` what the lifting criteria said at the end of the day before it takes
    effect; a change they do not support is an override, refused without a justification.

    The evidence is kept with the proposal so that the approver, and anyone later, sees what the
    criteria said when it was proposed, not what they say when someone looks.
    """
    day = local_date(t.effective_at) - datetime.timedelta(days=1)
    finding = evaluate(day, area_ids=[t.area.pk], store=False).get(t.area.pk)
    t.criteria_met = bool(
        finding and finding.eligible and _within_allowed(protocol, t.to_level, finding.to_level)
    )
    t.clause = (finding.clause if finding else "")[:300]
    t.evidence = {
        "day": day.isoformat(),
        "verdict": finding.verdict if finding else "",
        "rule_to_level": finding.to_level if finding else "",
        "reasons": [str(r) for r in finding.reasons] if finding else [],
        **(finding.evidence if finding else {}),
    }
    if t.criteria_met:
        return
    if not (justification or "").strip():
        why = " ".join(t.evidence["reasons"]) or _("the protocol's next level differs")
        raise error(
            "justification",
            _("The criteria are not met: %(why)s An override needs a justification.")
            % {"why": why},
            "override_unjustified",
        )
    t.override, t.justification = True, justification.strip()


def _within_allowed(protocol, to_level: str, allowed: str) -> bool:
    """Stepping down to ``to_level`` is no further than the rule allows (``allowed``; "" lifts).

    Lifting rules say how far an area may go; going part of the way (a sealed area the 8th edition
    would lift, stepped down to controlled first) is within them.
    """
    if not allowed:
        return True
    if not to_level:
        return False
    return _level_rules(protocol, to_level).order <= _level_rules(protocol, allowed).order


def required_level(t: Transition) -> int:
    """Code length of the highest level that must approve: county, or city for an override."""
    return CITY if t.override else COUNTY


def may_decide(user, t: Transition) -> bool:
    """Holds the approval permission at the required level above the area, and did not propose."""
    return scope.may_decide(user, t, "areas.approve_transition", required_level(t))


def _decide(t: Transition, actor) -> Transition:
    level = _("city") if t.override else _("county")
    return scope.locked_for_decision(
        Transition.objects.select_related("area"),
        t,
        actor,
        may=may_decide,
        not_proposed=_("Only a proposed transition can be decided."),
        too_low=_("This transition is approved at the %(level)s level or above.")
        % {"level": level},
    )


@transaction.atomic
def do_approve_transition(t: Transition, *, actor, note: str = "") -> Transition:
    t = _decide(t, actor)
    scope.settle(t, TransitionStatus.APPROVED, actor, note or "")
    record_on(
        t.area,
        APPROVED,
        message(gettext_noop("Approved: %(t)s"), {"t": transition_name(t)}),
        actor=actor,
        payload={"transition": t.pk, "override": t.override, "note": t.decision_note},
    )
    return t


@transaction.atomic
def do_reject_transition(t: Transition, *, actor, note: str) -> Transition:
    if not (note or "").strip():
        raise error("note", _("Say why the proposal is rejected."))
    t = _decide(t, actor)
    scope.settle(t, TransitionStatus.REJECTED, actor, note.strip())
    if t.kind == TransitionKind.DESIGNATE:
        RiskArea.objects.filter(pk=t.area_id).update(status=AreaStatus.WITHDRAWN)
    record_on(
        t.area,
        REJECTED,
        message(gettext_noop("Rejected: %(t)s"), {"t": transition_name(t)}),
        actor=actor,
        payload={"transition": t.pk, "note": note},
    )
    return t
