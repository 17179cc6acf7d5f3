"""Medical capacity in reserve against what the emergency uses of it, read from the other domains.

Beds: designated hospitals' general and ICU beds against the open infections (confirmed and
asymptomatic cases still under treatment — the 8th edition treats both in designated hospitals).
Quarantine rooms: rooms in reserve against the centralised placements in force (quarantine).
Read lazily (``apps.get_model``) so resources does not import the domains above it; a domain not
installed reads as "not known" rather than zero.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, Sum

from .choices import FacilityKind
from .models import Facility


@dataclass(frozen=True)
class Use:
    kind: str
    label: str
    capacity: int
    in_use: int | None

    @property
    def percent(self) -> int | None:
        if self.in_use is None or not self.capacity:
            return None
        return round(100 * self.in_use / self.capacity)


def _open_infections(code: str, at: datetime.datetime) -> int | None:
    try:
        Case = apps.get_model("cases", "Case")
    except LookupError:
        return None
    return (
        Case.objects.subtree(code)
        .filter(
            jurisdiction__drill=False,
            reported_at__lte=at,
            classification__in=["confirmed", "asymptomatic"],
        )
        .filter(Q(outcome_at__isnull=True) | Q(outcome_at__gt=at))
        .count()
    )


def _placed(code: str, at: datetime.datetime) -> int | None:
    try:
        Placement = apps.get_model("quarantine", "Placement")
        return (
            Placement.objects.subtree(code)
            .filter(site__isnull=False, placed_at__lte=at)
            .filter(Q(released_at__isnull=True) | Q(released_at__gt=at))
            .count()
        )
    except (LookupError, Exception):  # noqa: BLE001 — a domain still changing shape reads "unknown"
        return None


def capacity_use(code: str, at: datetime.datetime) -> list[Use]:
    """Capacity in the subtree of ``code`` and its use at ``at``."""
    active = Facility.objects.subtree(code).filter(active=True)
    totals = active.aggregate(
        beds=Sum("general_beds"),
        icu=Sum("icu_beds"),
        rooms=Sum("rooms"),
        samples=Sum("daily_capacity", filter=Q(kind=FacilityKind.LAB)),
    )
    labels = dict(FacilityKind.choices)
    return [
        Use(
            FacilityKind.DESIGNATED_HOSPITAL,
            labels[FacilityKind.DESIGNATED_HOSPITAL],
            (totals["beds"] or 0) + (totals["icu"] or 0),
            _open_infections(code, at),
        ),
        Use(
            FacilityKind.QUARANTINE_RESERVE,
            labels[FacilityKind.QUARANTINE_RESERVE],
            totals["rooms"] or 0,
            _placed(code, at),
        ),
        Use(FacilityKind.LAB, labels[FacilityKind.LAB], totals["samples"] or 0, None),
    ]
