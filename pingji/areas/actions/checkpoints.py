"""Checkpoints (通道管控): setting one up, its daily records, and its stepwise lifting plan.

A checkpoint serves risk areas: people leaving them are checked (a negative test within so many
hours, say) and those who do not qualify are turned back. Its plan lifts it step by step as the
areas it serves step down: first relaxed once none of them is at the strictest level, then lifted
once all are lifted (or on a planned date). A step is taken only when its condition holds and the
steps before it are done. Events: ``areas.checkpoint_created``, ``areas.checkpoint_day_recorded``,
``areas.checkpoint_step_planned``, ``areas.checkpoint_changed``.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error, field_errors, in_future, not_in_future, record_on
from pingji.core.messages import message
from pingji.geo.choices import PlaceKind
from pingji.geo.models import Jurisdiction, Place

from ..choices import CHECKPOINT_ORDER, CheckpointKind, CheckpointStatus, StepCondition
from ..contracts import (
    CHECKPOINT_CHANGED,
    CHECKPOINT_CREATED,
    CHECKPOINT_DAY_RECORDED,
    CHECKPOINT_STEP_PLANNED,
)
from ..extent import day_start
from ..levels import level_order, levels_at
from ..models import Checkpoint, CheckpointDay, LiftingStep, RiskArea
from .scope import may_act_in


@transaction.atomic
def do_create_checkpoint(
    *,
    actor,
    jurisdiction: Jurisdiction,
    name: str,
    kind: str,
    rules: str,
    since: datetime.datetime | None,
    test_within_hours: int | None = None,
    place: Place | None = None,
    areas=(),
    legal_basis: str = "",
) -> Checkpoint:
    """Set up a checkpoint serving ``areas`` (of its city); dated ``since``, when it started."""
    may_act_in(actor, jurisdiction.pk, "areas.add_checkpoint")
    since, found = _checked_setup(
        jurisdiction, name, kind, rules, aware(since), test_within_hours, place, areas
    )
    checkpoint = Checkpoint.objects.create(
        jurisdiction=jurisdiction,
        place=place,
        name=name.strip()[:200],
        kind=kind,
        rules=rules.strip()[:500],
        test_within_hours=test_within_hours,
        legal_basis=(legal_basis or "").strip()[:200],
        since=since,
    )
    checkpoint.areas.set(found)
    record_on(
        checkpoint,
        CHECKPOINT_CREATED,
        message(gettext_noop("Checkpoint set up: %(name)s"), {"name": checkpoint.name}),
        actor=actor,
        at=since,
        payload={"areas": [a.pk for a in found]},
    )
    ensure_allowed(actor, checkpoint, "view")
    return checkpoint


def _checked_setup(
    jurisdiction: Jurisdiction, name, kind, rules, since, test_within_hours, place, areas
) -> tuple[datetime.datetime, list[RiskArea]]:
    """Its start and the areas it serves, or every problem of the set-up refused at once.

    A checkpoint serves areas of its own city, at a checkpoint place of its jurisdiction, from a
    start that is not in the future: it is set up for areas already designated.
    """
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Give the checkpoint a name.")
    if kind not in CheckpointKind.values:
        errors["kind"] = _("Choose the kind of checkpoint.")
    if not (rules or "").strip():
        errors["rules"] = _("Say which rules the checkpoint enforces.")
    if since is None:
        errors["since"] = _("Give the time the checkpoint started.")
    elif in_future(since):
        errors["since"] = _("The start is in the future.")
    if test_within_hours is not None and not 1 <= test_within_hours <= 168:
        errors["test_within_hours"] = _("Between 1 and 168 hours.")
    if place is not None and (
        place.kind != PlaceKind.CHECKPOINT or not place.jurisdiction_id.startswith(jurisdiction.pk)
    ):
        errors["place"] = _("Choose a checkpoint place inside the jurisdiction.")
    area_ids = [getattr(a, "pk", a) for a in areas or ()]
    found = list(RiskArea.objects.filter(pk__in=area_ids))
    if len(found) != len(set(area_ids)) or any(
        not a.jurisdiction_id.startswith(jurisdiction.pk[:4]) for a in found
    ):
        errors["areas"] = _("Unknown area, or one outside the city.")
    if errors or since is None:  # a missing start is among the errors; named for the type checker
        raise field_errors(errors)
    return since, found


#: The largest count a day's record holds (the column's range).
MAX_COUNT = 2_147_483_647


@transaction.atomic
def do_record_checkpoint_day(
    checkpoint: Checkpoint,
    *,
    actor,
    day: datetime.date | None = None,
    vehicles: int | None = None,
    persons: int | None = None,
    turned_back: int | None = None,
    note: str = "",
) -> CheckpointDay:
    """One day's throughput and turn-backs; a day already recorded is refused, not doubled.

    Every count is required (a missing one is an error, not a zero: a zero is a figure). The
    event is dated at the start of ``day``, so yesterday's counts entered this morning are counted
    on yesterday.
    """
    may_act_in(actor, checkpoint.jurisdiction_id, "areas.add_checkpointday")
    day, vehicles, persons, turned_back = _checked_day(
        checkpoint, day, vehicles, persons, turned_back
    )
    try:
        with transaction.atomic():
            row = CheckpointDay.objects.create(
                checkpoint=checkpoint,
                jurisdiction_id=checkpoint.jurisdiction_id,
                day=day,
                vehicles=vehicles,
                persons=persons,
                turned_back=turned_back,
                note=(note or "")[:500],
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as exc:
        raise error("day", _("This day is already recorded."), "duplicate") from exc
    record_on(
        checkpoint,
        CHECKPOINT_DAY_RECORDED,
        message(
            gettext_noop("%(day)s: %(p)s people checked, %(t)s turned back"),
            {"day": day, "p": persons, "t": turned_back},
        ),
        actor=actor,
        at=day_start(day),
        payload={
            "day": day.isoformat(),
            "vehicles": vehicles,
            "persons": persons,
            "turned_back": turned_back,
        },
    )
    return row


def _checked_day(
    checkpoint: Checkpoint,
    day: datetime.date | None,
    vehicles: int | None,
    persons: int | None,
    turned_back: int | None,
) -> tuple[datetime.date, int, int, int]:
    """The day and its three counts, or every problem refused at once, keyed by its field.

    A day in the future or before the checkpoint existed, a count outside the column's range, or
    more people turned back than checked are typing errors the form shows next to their field.
    """
    errors = {}
    if day is None:
        errors["day"] = _("Give the day.")
    elif day > clock.today():
        errors["day"] = _("The day is in the future.")
    elif day < timezone.localdate(checkpoint.since):
        errors["day"] = _("The checkpoint was not set up yet on that day.")
    for field, value in (
        ("vehicles", vehicles),
        ("persons", persons),
        ("turned_back", turned_back),
    ):
        if value is None or not 0 <= value <= MAX_COUNT:
            errors[field] = _("A count of zero or more.")
    both_counted = "persons" not in errors and "turned_back" not in errors
    if both_counted and persons is not None and turned_back is not None and turned_back > persons:
        errors["turned_back"] = _("More people turned back than were checked.")
    # A missing value is always among the errors; the Nones are named again for the type checker.
    if errors or day is None or vehicles is None or persons is None or turned_back is None:
        raise field_errors(errors)
    return day, vehicles, persons, turned_back


@transaction.atomic
def do_plan_lifting_step(
    checkpoint: Checkpoint,
    *,
    actor,
    to_status: str,
    condition: str,
    not_before: datetime.date | None = None,
    rules: str = "",
) -> LiftingStep:
    """Add the next step of the plan; each step moves the checkpoint further towards lifted."""
    may_act_in(actor, checkpoint.jurisdiction_id, "areas.add_liftingstep")
    checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    last = checkpoint.steps.order_by("-sequence").first()
    current = last.to_status if last else checkpoint.status
    if to_status not in CheckpointStatus.values or to_status == CheckpointStatus.ACTIVE:
        raise error("to_status", _("A step relaxes or lifts the checkpoint."))
    if CHECKPOINT_ORDER.index(to_status) <= CHECKPOINT_ORDER.index(current):
        raise error("to_status", _("Each step must go further than the one before."), "order")
    if condition not in StepCondition.values:
        raise error("condition", _("Choose when the step may be taken."))
    if condition == StepCondition.DATE and not_before is None:
        raise error("not_before", _("A step on a date needs the date."))
    step = LiftingStep.objects.create(
        checkpoint=checkpoint,
        jurisdiction_id=checkpoint.jurisdiction_id,
        sequence=(checkpoint.steps.aggregate(n=Max("sequence"))["n"] or 0) + 1,
        to_status=to_status,
        condition=condition,
        not_before=not_before,
        rules=(rules or "")[:500],
    )
    record_on(
        checkpoint,
        CHECKPOINT_STEP_PLANNED,
        message(
            gettext_noop("Step %(n)s planned: %(status)s"),
            {"n": step.sequence, "status": CheckpointStatus(to_status).label},
        ),
        actor=actor,
        payload={"step": step.pk},
    )
    return step


def step_readiness(step: LiftingStep, at: datetime.datetime | None = None) -> tuple[bool, str]:
    """Whether the step may be taken at ``at``, and why not."""
    at = at or clock.now()
    if step.done_at is not None:
        return False, _("Already taken.")
    if at < step.checkpoint.since:
        return False, _("The checkpoint was not set up yet.")
    if step.checkpoint.steps.filter(sequence__lt=step.sequence, done_at__isnull=True).exists():
        return False, _("An earlier step is not taken yet.")
    if step.not_before and timezone.localdate(at) < step.not_before:
        return False, _("Not before %(day)s.") % {"day": step.not_before}
    if step.condition == StepCondition.DATE:
        return True, ""
    served = step.checkpoint.areas.all()
    levels = levels_at(served, at)
    if step.condition == StepCondition.ALL_LIFTED and levels:
        return False, _("%(n)s areas it serves are still in force.") % {"n": len(levels)}
    if step.condition == StepCondition.NO_STRICTEST:
        protocols = dict(served.values_list("pk", "protocol_id"))
        strict = [a for a, lv in levels.items() if level_order(protocols[a], lv)[0] == 1]
        if strict:
            return False, _("%(n)s areas it serves are at the strictest level.") % {
                "n": len(strict)
            }
    return True, ""


@transaction.atomic
def do_take_lifting_step(
    step: LiftingStep, *, actor, at: datetime.datetime | None = None
) -> Checkpoint:
    """Take a step of the plan when its condition holds: the checkpoint relaxes or is lifted.

    Dated ``at``, when the checkpoint changed; its conditions are judged as they stood then.
    """
    may_act_in(actor, step.jurisdiction_id, "areas.change_checkpoint")
    at = not_in_future(aware(at) or clock.now(), "at")
    step = LiftingStep.objects.select_for_update().select_related("checkpoint").get(pk=step.pk)
    ready, why = step_readiness(step, at)
    if not ready:
        raise error("step", why, "not_ready")
    checkpoint = step.checkpoint
    before = checkpoint.status
    checkpoint.status, checkpoint.since = step.to_status, at
    if step.rules:
        checkpoint.rules = step.rules
    checkpoint.save(update_fields=["status", "since", "rules"])
    step.done_at, step.done_by = at, actor if getattr(actor, "pk", None) else None
    step.save(update_fields=["done_at", "done_by"])
    record_on(
        checkpoint,
        CHECKPOINT_CHANGED,
        message(
            gettext_noop("%(name)s: %(before)s → %(after)s"),
            {
                "name": checkpoint.name,
                "before": CheckpointStatus(before).label,
                "after": CheckpointStatus(checkpoint.status).label,
            },
        ),
        actor=actor,
        at=at,
        payload={"step": step.pk, "before": before, "after": checkpoint.status},
    )
    ensure_allowed(actor, checkpoint, "view")
    return checkpoint
