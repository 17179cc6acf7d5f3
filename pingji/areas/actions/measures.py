"""Society-wide measures (社会面管控措施): designating one, proposing a stricter or less strict
setting or its lifting, approving or rejecting the proposal, and what publishing does with it.

The path is the areas' own (docs/decisions/0014, 0047-society-wide-measures.md):

- a change is **proposed** with the situation of its jurisdiction frozen into ``evidence``: the
  risk areas in force there and the days since the last new local infection, read from what had
  been recorded by the order's decision time (decision 0030: nothing looks ahead);
- it is **approved** by a user holding ``areas.approve_measurechange`` at the county of the
  measure or above, never by its proposer (four eyes);
- it takes effect only when **published** with the list (``publishing.do_publish`` calls
  ``apply_change`` and ``freeze_measures``): the public page and ``lookup.measures_at`` read
  published changes only.

Events: ``areas.measure_proposed``, ``areas.measure_approved``, ``areas.measure_rejected`` here,
``areas.measure_published`` when the list is published.
"""

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.cases.choices import INFECTIONS, Origin
from pingji.cases.models import Case
from pingji.core import clock
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
from pingji.geo.models import Jurisdiction
from pingji.protocols.models import COVID_19

from ..choices import (
    PENDING,
    MeasureChangeKind,
    MeasureKind,
    MeasureStatus,
    TransitionStatus,
)
from ..contracts import MEASURE_APPROVED, MEASURE_PROPOSED, MEASURE_PUBLISHED, MEASURE_REJECTED
from ..levels import levels_at
from ..lookup import areas_lying_in
from ..measure_settings import LESS, STRICTER, clean_setting, compare, describe
from ..models import Measure, MeasureChange, Publication, RiskArea
from . import scope
from .scope import may_act_in

#: Code lengths of the jurisdictions that decide a measure: city, county, township.
DECIDING_LENGTHS = (4, 6, 9)
#: Code length of the lowest level that approves (decision 0014's county).
COUNTY = 6
#: How far an order's time may lie behind the clock: an order entered a few days late is usual, one
#: months old is a typing error (2012 for 2021) that would date the measure on the wrong day.
MAX_BEHIND = datetime.timedelta(days=30)
#: How far after its decision a measure may take effect: further is a typing error too.
MAX_AHEAD = datetime.timedelta(days=30)
#: Risk areas listed by name in a proposal's evidence; more are counted only.
AREAS_LISTED = 100


def measure_name(m: Measure) -> Message:
    """How an event names a measure, translated when read."""
    return message(
        gettext_noop("%(kind)s of %(place)s"),
        {"kind": MeasureKind(m.kind).label, "place": m.jurisdiction.name},
    )


def _checked_times(
    decided_at: datetime.datetime | None,
    effective_at: datetime.datetime | None,
    *,
    not_before: datetime.datetime | None = None,
) -> tuple[datetime.datetime, datetime.datetime]:
    """The order's decision and effective times, or every problem with them refused at once."""
    decided_at = aware(decided_at)
    effective_at = aware(effective_at) or decided_at
    errors: dict[str, str] = {}
    if decided_at is None:
        errors["decided_at"] = _("Give the time of the decision.")
    elif in_future(decided_at):
        errors["decided_at"] = _("The decision time is in the future.")
    elif decided_at < clock.now() - MAX_BEHIND:
        errors["decided_at"] = _("The decision time is more than %(days)s days ago.") % {
            "days": MAX_BEHIND.days
        }
    elif effective_at is not None and effective_at < decided_at:
        errors["effective_at"] = _("A measure cannot take effect before it was decided.")
    elif effective_at is not None and effective_at > decided_at + MAX_AHEAD:
        errors["effective_at"] = _(
            "A measure takes effect within %(days)s days of its decision."
        ) % {"days": MAX_AHEAD.days}
    elif effective_at is not None and not_before is not None and effective_at <= not_before:
        errors["effective_at"] = _("It must take effect after the measure's current setting did.")
    if errors or decided_at is None or effective_at is None:
        raise field_errors(errors)
    return decided_at, effective_at


def situation(code: str, at: datetime.datetime) -> dict:
    """The area-level situation of jurisdiction ``code`` as recorded by ``at``: what a proposal
    freezes and its approver reads.

    Risk areas lying in the jurisdiction (decided there, or decided above it with a place or a
    jurisdiction of their extent in it, or an extent that covers it whole: a county seals a
    township's compound) whose published transitions had taken effect and been published by
    ``at``; COVID-19 local infections (the risk areas' disease, decision 0041)
    reported and entered by ``at`` and not voided by then, counted by report day.
    """
    levels = levels_at(areas_lying_in(code), at)
    by_level: dict[str, int] = {}
    for level in levels.values():
        by_level[level] = by_level.get(level, 0) + 1
    names = dict(
        RiskArea.objects.filter(pk__in=list(levels)[:AREAS_LISTED]).values_list("pk", "name")
    )
    cases = Case.objects.filter(
        Q(voided_at__isnull=True) | Q(voided_at__gt=at),
        jurisdiction__code__within=code,
        disease_id=COVID_19,
        classification__in=list(INFECTIONS),
        origin=Origin.LOCAL,
        reported_at__lte=at,
        created_at__lte=at,
    )
    last = cases.aggregate(last=Max("reported_at"))["last"]
    day = local_date(at)
    last_day = local_date(last) if last else None
    since = day - datetime.timedelta(days=13)
    return {
        "as_of": at.isoformat(),
        "jurisdiction": code,
        "areas_in_force": len(levels),
        "areas_by_level": by_level,
        "areas": [
            {"id": a, "name": names[a], "level": levels[a]} for a in sorted(names) if a in levels
        ],
        "last_local_infection_on": last_day.isoformat() if last_day else None,
        "days_since_last_local_infection": (day - last_day).days if last_day else None,
        "local_infections_14_days": cases.filter(
            reported_at__gte=timezone.make_aware(
                datetime.datetime.combine(since, datetime.time()),
                timezone.get_default_timezone(),
            )
        ).count(),
    }


@transaction.atomic
def do_designate_measure(
    *,
    actor,
    jurisdiction: Jurisdiction,
    kind: str,
    setting,
    legal_basis: str,
    decided_at: datetime.datetime | None,
    effective_at: datetime.datetime | None = None,
    reason: str = "",
) -> Measure:
    """Propose a measure of ``kind`` at ``setting`` for a city, county or township.

    One measure of a kind per jurisdiction at a time: a second one while the first is in force or
    proposed is a conflict (change the first instead). The event is dated ``decided_at``.
    """
    may_act_in(actor, jurisdiction.pk, "areas.add_measure")
    if len(jurisdiction.pk) not in DECIDING_LENGTHS:
        raise error(
            "jurisdiction",
            _("A measure is decided by a city, a county or a township."),
            "not_deciding_level",
        )
    cleaned = clean_setting(kind, setting)
    if not (legal_basis or "").strip():
        raise error("legal_basis", _("Give the order's document number."))
    decided_at, effective_at = _checked_times(decided_at, effective_at)
    same = Measure.objects.select_for_update().filter(
        jurisdiction=jurisdiction,
        kind=kind,
        status__in=[MeasureStatus.PROPOSED, MeasureStatus.ACTIVE],
    )
    if same.exists():
        raise conflict(
            "kind",
            _("This jurisdiction already has this measure in force or proposed; change that one."),
            "exists",
        )
    proposer = actor if getattr(actor, "pk", None) else None
    measure = Measure.objects.create(
        jurisdiction=jurisdiction,
        kind=kind,
        setting=cleaned,
        status=MeasureStatus.PROPOSED,
        legal_basis=legal_basis.strip()[:200],
        decided_at=decided_at,
        decided_by=proposer,
    )
    change = MeasureChange.objects.create(
        measure=measure,
        jurisdiction=jurisdiction,
        kind=MeasureChangeKind.DESIGNATE,
        to_setting=cleaned,
        evidence=situation(jurisdiction.pk, decided_at),
        reason=(reason or "")[:2000],
        legal_basis=measure.legal_basis,
        decided_at=decided_at,
        effective_at=effective_at,
        proposed_by=proposer,
    )
    _record_proposed(measure, change, actor)
    ensure_allowed(actor, measure, "view")
    return measure


@transaction.atomic
def do_propose_measure_change(
    measure: Measure,
    *,
    actor,
    kind: str,
    setting=None,
    decided_at: datetime.datetime | None,
    effective_at: datetime.datetime | None = None,
    reason: str = "",
    legal_basis: str = "",
) -> MeasureChange:
    """Propose a measure in force made stricter (``raise``), stepped down to a less strict
    setting (``step_down``) or lifted (``lift``, no setting)."""
    may_act_in(actor, measure.jurisdiction_id, "areas.change_measure")
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    ensure_allowed(actor, measure, "view")
    if kind not in (MeasureChangeKind.RAISE, MeasureChangeKind.STEP_DOWN, MeasureChangeKind.LIFT):
        raise error("kind", _("Propose a stricter setting, a step-down or a lifting."), "kind")
    if measure.status != MeasureStatus.ACTIVE:
        raise conflict("kind", _("Only a measure in force can be changed or lifted."), "not_active")
    if measure.changes.filter(status__in=PENDING).exists():
        raise conflict(
            "kind",
            _("A change of this measure is already awaiting approval or publication."),
            "pending",
        )
    to_setting = _to_setting(measure, kind, setting)
    decided_at, effective_at = _checked_times(
        decided_at, effective_at, not_before=measure.setting_since
    )
    change = MeasureChange.objects.create(
        measure=measure,
        jurisdiction_id=measure.jurisdiction_id,
        kind=kind,
        from_setting=measure.setting,
        to_setting=to_setting,
        evidence=situation(measure.jurisdiction_id, decided_at),
        reason=(reason or "")[:2000],
        legal_basis=(legal_basis or "").strip()[:200],
        decided_at=decided_at,
        effective_at=effective_at,
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    _record_proposed(measure, change, actor)
    return change


def _to_setting(measure: Measure, kind: str, setting) -> dict:
    """The setting a change moves to: none for a lifting, else one strictly less strict (a
    step-down) or strictly stricter (a raise) than the setting in force."""
    if kind == MeasureChangeKind.LIFT:
        if setting:
            raise error("setting", _("A lifting takes no setting."), "setting_on_lift")
        return {}
    cleaned = clean_setting(measure.kind, setting)
    found = compare(measure.kind, measure.setting, cleaned)
    if kind == MeasureChangeKind.STEP_DOWN and found != LESS:
        raise error(
            "setting",
            _("A step-down must be less strict than the setting in force (%(now)s).")
            % {"now": describe(measure.kind, measure.setting)},
            "not_less_strict",
        )
    if kind == MeasureChangeKind.RAISE and found != STRICTER:
        raise error(
            "setting",
            _("A stricter setting must be stricter than the one in force (%(now)s).")
            % {"now": describe(measure.kind, measure.setting)},
            "not_stricter",
        )
    return cleaned


def _record_proposed(measure: Measure, change: MeasureChange, actor) -> None:
    record_on(
        measure,
        MEASURE_PROPOSED,
        message(
            gettext_noop("%(change)s proposed: %(measure)s, %(setting)s"),
            {
                "change": MeasureChangeKind(change.kind).label,
                "measure": measure_name(measure),
                "setting": describe(measure.kind, change.to_setting),
            },
        ),
        actor=actor,
        at=change.decided_at,
        payload={
            "change": change.pk,
            "kind": change.kind,
            "measure_kind": measure.kind,
            "to_setting": change.to_setting,
        },
    )


def may_decide(user, change: MeasureChange) -> bool:
    """Holds the approval permission at the county of the measure or above, and did not propose."""
    return scope.may_decide(user, change, "areas.approve_measurechange", COUNTY)


def _decide(change: MeasureChange, actor) -> MeasureChange:
    return scope.locked_for_decision(
        MeasureChange.objects.select_related("measure", "measure__jurisdiction"),
        change,
        actor,
        may=may_decide,
        not_proposed=_("Only a proposed change can be decided."),
        too_low=_("A change of a measure is approved at the county level or above."),
    )


@transaction.atomic
def do_approve_measure_change(change: MeasureChange, *, actor, note: str = "") -> MeasureChange:
    change = _decide(change, actor)
    scope.settle(change, TransitionStatus.APPROVED, actor, note or "")
    record_on(
        change.measure,
        MEASURE_APPROVED,
        message(gettext_noop("Approved: %(measure)s"), {"measure": measure_name(change.measure)}),
        actor=actor,
        payload={"change": change.pk, "note": change.decision_note},
    )
    return change


@transaction.atomic
def do_reject_measure_change(change: MeasureChange, *, actor, note: str) -> MeasureChange:
    if not (note or "").strip():
        raise error("note", _("Say why the proposal is rejected."))
    change = _decide(change, actor)
    scope.settle(change, TransitionStatus.REJECTED, actor, note.strip())
    if change.kind == MeasureChangeKind.DESIGNATE:
        Measure.objects.filter(pk=change.measure_id).update(status=MeasureStatus.WITHDRAWN)
    record_on(
        change.measure,
        MEASURE_REJECTED,
        message(gettext_noop("Rejected: %(measure)s"), {"measure": measure_name(change.measure)}),
        actor=actor,
        payload={"change": change.pk, "note": change.decision_note},
    )
    return change


def approved_below(code: str) -> list[MeasureChange]:
    """The approved changes below ``code``, locked, in the order they take effect."""
    return list(
        MeasureChange.objects.select_for_update()
        .filter(status=TransitionStatus.APPROVED, jurisdiction__code__within=code)
        .select_related("measure", "measure__jurisdiction")
        .order_by("effective_at", "id")
    )


def apply_change(change: MeasureChange, pub: Publication, at: datetime.datetime, actor) -> None:
    """Put one approved change in force with ``pub``: the measure's setting and status, the change
    marked published, ``areas.measure_published`` dated when it takes effect."""
    m = change.measure
    if change.kind == MeasureChangeKind.DESIGNATE:
        m.status, m.effective_from = MeasureStatus.ACTIVE, change.effective_at
    if change.to_setting:
        m.setting = change.to_setting
    else:
        m.status, m.lifted_at = MeasureStatus.LIFTED, change.effective_at
    m.setting_since = change.effective_at
    m.save()
    change.status, change.published_at, change.publication = TransitionStatus.PUBLISHED, at, pub
    change.save(update_fields=["status", "published_at", "publication"])
    record_on(
        m,
        MEASURE_PUBLISHED,
        message(
            gettext_noop("%(change)s in force from %(at)s: %(measure)s"),
            {
                "change": MeasureChangeKind(change.kind).label,
                "at": timezone.localtime(change.effective_at),
                "measure": measure_name(m),
            },
        ),
        actor=actor,
        at=change.effective_at,
        payload={
            "change": change.pk,
            "kind": change.kind,
            "measure_kind": m.kind,
            "from_setting": change.from_setting,
            "to_setting": change.to_setting,
        },
    )


def freeze_measures(jurisdiction: Jurisdiction, lifted_now: list[int]) -> list[dict]:
    """The measures in force below ``jurisdiction`` and those this list lifts, as the public page
    shows them (a snapshot: labels in the reader's language are attached when shown)."""
    rows = Measure.objects.filter(
        Q(status=MeasureStatus.ACTIVE, jurisdiction__code__within=jurisdiction.pk)
        | Q(pk__in=lifted_now)
    ).select_related("jurisdiction")
    return [
        {
            "id": m.pk,
            "kind": m.kind,
            "setting": m.setting,
            "status": m.status,
            "jurisdiction": m.jurisdiction.name,
            "jurisdiction_code": m.jurisdiction_id,
            "legal_basis": m.legal_basis,
            "in_force_from": m.effective_from.isoformat() if m.effective_from else None,
            "setting_since": m.setting_since.isoformat() if m.setting_since else None,
            "lifted_at": m.lifted_at.isoformat() if m.lifted_at else None,
        }
        for m in rows.order_by("jurisdiction_id", "kind", "id")
    ]
