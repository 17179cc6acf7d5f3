"""An area's level at any moment, read from its published transitions (the full history).

Only published transitions change what is in force — the list of areas changes only by approved
transitions (decision 0014) — each from its ``effective_at``. The level at a time is the
``to_level`` of the last one that had taken effect; an empty ``to_level`` means lifted. Maps and
``lookup.controls_at`` read levels through here, so "as of any date" and "now" are the same
question.
"""

import datetime
import time

from pingji.core import clock
from pingji.protocols import rules
from pingji.protocols.models import Protocol

from .choices import TransitionStatus
from .models import RiskArea, Transition


def levels_at(areas, at: datetime.datetime | None = None) -> dict[int, str]:
    """``{area id: level}`` of the areas (a queryset) in force at ``at`` (default: now), as
    recorded by then: a transition published after ``at`` is not in force at ``at`` even where it
    took effect earlier (decision 0030)."""
    at = at or clock.now()
    rows = (
        Transition.objects.filter(
            area__in=areas,
            status=TransitionStatus.PUBLISHED,
            effective_at__lte=at,
            published_at__lte=at,
        )
        .order_by("area_id", "effective_at", "id")
        .values_list("area_id", "to_level")
    )
    last: dict[int, str] = {}
    for area_id, level in rows:
        last[area_id] = level
    return {area_id: level for area_id, level in last.items() if level}


def in_force_at(at: datetime.datetime | None = None, *, within: str = ""):
    """The areas (queryset) with a level in force at ``at``, below ``within``; and their levels."""
    candidates = RiskArea.objects.subtree(within).filter(effective_from__lte=at or clock.now())
    levels = levels_at(candidates, at)
    return RiskArea.objects.filter(pk__in=list(levels)), levels


#: Seconds another process may keep a protocol's level order after an amendment; the process
#: that amends forgets it at once (``handlers``). Maps and look-ups ask for it once per area.
ORDERS_TTL = 60.0
_orders_read: dict[int, tuple[float, tuple[dict[str, int], int]]] = {}


def _orders(protocol_id: int) -> tuple[dict[str, int], int]:
    now = time.monotonic()
    kept = _orders_read.get(protocol_id)
    if kept is not None and now - kept[0] < ORDERS_TTL:
        return kept[1]
    protocol = Protocol.objects.get(pk=protocol_id)
    orders = {r.level: r.order for r in rules.risk_levels(protocol)}
    found = orders, max(orders.values(), default=0)
    _orders_read[protocol_id] = (now, found)
    return found


def level_order(protocol_id: int, level: str) -> tuple[int, bool]:
    """The level's order in the protocol (1 = strictest) and whether it restricts opening.

    Every level above a protocol's lowest one keeps establishments shut: 封控/管控 under the 8th
    edition, high/medium under the 9th, high under the November 2022 measures; the lowest level
    (防范, low) is "the rest of the county" with only gathering limits (each edition's
    ``risk_areas``, ``pingji/protocols/data``).
    """
    orders, lowest = _orders(protocol_id)
    order = orders.get(level, lowest or 1)
    return order, order < lowest


def forget_orders() -> None:
    """Forget every level order read: a protocol was amended or reloaded (``handlers``)."""
    _orders_read.clear()
