"""What is in force over a jurisdiction at the end of a day, as recorded by then (decision
0030): the society-wide measures (``areas.lookup.measures_at``), the risk areas whose
published transitions had taken effect and been published by the day's end, and the checkpoints
set up by then and not lifted by then.

Both the plan's checks and the builder read it, so "a measure not in force" means the same thing
when a plan is refused as when a run is built.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum

from pingji.areas.choices import CheckpointStatus
from pingji.areas.contracts import CHECKPOINT_CHANGED
from pingji.areas.extent import day_end
from pingji.areas.levels import level_order, levels_at
from pingji.areas.lookup import MeasureInForce, areas_lying_in, measures_at
from pingji.areas.models import Checkpoint, CheckpointDay, RiskArea
from pingji.core.models import DomainEvent

#: The days of a checkpoint's records summed for its share of the people checked.
CHECKPOINT_DAYS = 14


@dataclass(frozen=True)
class AreaInForce:
    area_id: int
    name: str
    level: str
    protocol_id: int
    jurisdiction_code: str
    #: 1 is the strictest level of the area's protocol (``areas.levels.level_order``).
    order: int


@dataclass(frozen=True)
class CheckpointInForce:
    checkpoint_id: int
    name: str
    status: str
    jurisdiction_code: str
    #: People checked and turned back in its records of the last ``CHECKPOINT_DAYS`` days.
    checked: int
    turned_back: int


@dataclass(frozen=True)
class InForce:
    day: datetime.date
    measures: list[MeasureInForce]
    areas: dict[int, AreaInForce]
    checkpoints: tuple[CheckpointInForce, ...] = ()

    def measure(self, measure_id) -> MeasureInForce | None:
        return next((m for m in self.measures if m.measure_id == measure_id), None)


def areas_in_force(code: str, at: datetime.datetime) -> dict[int, AreaInForce]:
    """The risk areas lying in ``code`` at a level at ``at``, published by then: those its
    county or city decided over part of it too."""
    levels = levels_at(areas_lying_in(code), at)
    found = {}
    for pk, name, protocol_id, jcode in RiskArea.objects.filter(pk__in=list(levels)).values_list(
        "pk", "name", "protocol_id", "jurisdiction_id"
    ):
        order, _shuts = level_order(protocol_id, levels[pk])
        found[pk] = AreaInForce(pk, name, levels[pk], protocol_id, jcode, order)
    return found


def in_force(code: str, day: datetime.date) -> InForce:
    """Measures and risk areas in force over ``code`` at the end of ``day``."""
    at = day_end(day)
    checkpoints = checkpoints_in_force(code, day)
    return InForce(day, measures_at(code, at), areas_in_force(code, at), checkpoints)


def checkpoints_in_force(code: str, day: datetime.date) -> tuple[CheckpointInForce, ...]:
    """The checkpoints within ``code`` set up (recorded) by the end of ``day`` and not lifted
    then, with their status then and their records of the last days up to it.

    A checkpoint's start is never after its record (its set-up refuses a start in the future),
    so one recorded later was not in force. Its status then is replayed from the lifting steps
    taken (``areas.checkpoint_changed`` events) that happened and were recorded by the day's end.
    """
    at = day_end(day)
    rows = list(
        Checkpoint.objects.filter(jurisdiction__code__within=code, created_at__lt=at)
        .order_by("pk")
        .values_list("pk", "name", "status", "jurisdiction_id")
    )
    statuses = _statuses_at({pk: status for pk, _n, status, _j in rows}, at)
    counts = _counts([pk for pk, *_rest in rows], day)
    return tuple(
        CheckpointInForce(pk, name, statuses[pk], jcode, *counts.get(pk, (0, 0)))
        for pk, name, _status, jcode in rows
        if statuses[pk] != CheckpointStatus.LIFTED
    )


def _statuses_at(now: dict[int, str], at: datetime.datetime) -> dict[int, str]:
    """Each checkpoint's status at ``at``: after the last step taken and recorded by then, else
    before the first step taken, else (no step ever taken) the one it has."""
    changes = (
        DomainEvent.objects.filter(
            kind=CHECKPOINT_CHANGED,
            content_type=ContentType.objects.get_for_model(Checkpoint),
            object_id__in=[str(pk) for pk in now],
        )
        .order_by("time", "pk")
        .values_list("object_id", "time", "recorded_at", "payload")
    )
    found = dict(now)
    seen: set[int] = set()
    for object_id, time, recorded_at, payload in changes:
        pk = int(object_id)
        if time < at and recorded_at < at:
            found[pk] = payload.get("after", found[pk])
        elif pk not in seen:
            found[pk] = payload.get("before", found[pk])
        seen.add(pk)
    return found


def _counts(ids: list[int], day: datetime.date) -> dict[int, tuple[int, int]]:
    """People checked and turned back per checkpoint over the last days up to ``day``."""
    since = day - datetime.timedelta(days=CHECKPOINT_DAYS - 1)
    rows = (
        CheckpointDay.objects.filter(checkpoint_id__in=ids, day__gte=since, day__lte=day)
        .values("checkpoint_id")
        .annotate(checked=Sum("persons"), back=Sum("turned_back"))
        .values_list("checkpoint_id", "checked", "back")
    )
    return {pk: (checked or 0, back or 0) for pk, checked, back in rows}
