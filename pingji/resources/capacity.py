"""Medical capacity in reserve against what the emergency uses of it, read from the other domains.

Beds: designated hospitals' general and ICU beds against the open infections (confirmed and
asymptomatic cases still under treatment — the 8th edition treats both in designated hospitals).
Quarantine rooms: rooms in reserve against the centralised placements in force (quarantine).
Laboratories: samples a day against the samples resulted on the last whole day, from testing's
published contract (``testing.evidence.samples_resulted``), in total and per county.
Read lazily (``apps.get_model``) so resources does not import the domains above it; a domain not
installed reads as "not known" rather than zero.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.functional import Promise

from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.drills import real_only
from pingji.geo.models import Jurisdiction

from .choices import FacilityKind
from .models import Facility


@dataclass(frozen=True)
class Use:
    kind: str
    label: str | Promise  # the kind's label, translated when shown
    capacity: int
    in_use: int | None

    @property
    def percent(self) -> int | None:
        return percent(self.in_use, self.capacity)


def percent(in_use: int | None, capacity: int) -> int | None:
    """Use as a share of capacity; None when either is not known."""
    if in_use is None or not capacity:
        return None
    return round(100 * in_use / capacity)


def _open_infections(code: str, at: datetime.datetime) -> int | None:
    try:
        Case = apps.get_model("cases", "Case")
    except LookupError:
        return None
    return (
        real_only(Case.objects.subtree(code), "jurisdiction__code")
        .filter(
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
            real_only(Placement.objects.subtree(code), Placement.scope_field)
            .filter(site__isnull=False, placed_at__lte=at)
            .filter(Q(released_at__isnull=True) | Q(released_at__gt=at))
            .count()
        )
    except (LookupError, Exception):  # noqa: BLE001 — a domain still changing shape reads "unknown"
        return None


def _resulted(codes: list[str], day: datetime.date) -> dict[str, int] | None:
    """Samples resulted on ``day`` per code; None when the testing domain is not installed."""
    if not apps.is_installed("pingji.testing"):
        return None
    from pingji.testing.evidence import samples_resulted

    return samples_resulted(codes, day)


@dataclass(frozen=True)
class LabUse:
    """One jurisdiction's laboratories: samples a day against the samples resulted on ``day``."""

    jurisdiction: Jurisdiction
    capacity: int
    resulted: int | None

    @property
    def percent(self) -> int | None:
        return percent(self.resulted, self.capacity)


def lab_units(code: str) -> list[Jurisdiction]:
    """Where labs are compared: each real county of an area above county level, else the area."""
    if len(code) >= CODE_LENGTH[Level.COUNTY]:
        return list(Jurisdiction.objects.filter(code=code))
    return list(
        Jurisdiction.objects.real().filter(level=Level.COUNTY).subtree(code).order_by("code")
    )


def lab_use(code: str, day: datetime.date) -> list[LabUse]:
    """Per county of the area (or the area itself at county level and below): labs' samples a day
    against the samples resulted on ``day``; counties with neither are left out."""
    units = lab_units(code)
    capacity: dict[str, int] = dict.fromkeys((u.code for u in units), 0)
    labs = (
        real_only(Facility.objects.subtree(code), "jurisdiction__code")
        .filter(active=True, kind=FacilityKind.LAB)
        .values_list("jurisdiction_id", "daily_capacity")
    )
    for where, samples in labs:
        for unit in capacity:
            if where.startswith(unit):
                capacity[unit] += samples or 0
    resulted = _resulted(list(capacity), day)
    rows = [
        LabUse(u, capacity[u.code], None if resulted is None else resulted[u.code]) for u in units
    ]
    return [r for r in rows if r.capacity or r.resulted]


def capacity_use(
    code: str, at: datetime.datetime, lab_day: datetime.date | None = None
) -> list[Use]:
    """Capacity in the subtree of ``code`` and its use at ``at`` (labs: on ``lab_day``, by
    default the last whole day before ``at``)."""
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
        Use(
            FacilityKind.LAB,
            labels[FacilityKind.LAB],
            totals["samples"] or 0,
            (_resulted([code], lab_day or last_whole_day(at)) or {}).get(code),
        ),
    ]


def last_whole_day(at: datetime.datetime) -> datetime.date:
    """The day before ``at`` (Asia/Shanghai): a lab's samples a day compare with a whole day."""
    return timezone.localdate(at) - datetime.timedelta(days=1)
