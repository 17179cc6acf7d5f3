"""The controls in force at a place or jurisdiction, strictest first: what areas offers reopening.

Reopening asks this before an establishment may resume: an establishment inside a sealed or
controlled (high or medium) area cannot reopen. An area covers a place when the place, its
compound, or one of its grid's ancestors is in the area's extent; it covers a jurisdiction when
the jurisdiction or one of its ancestors is. Where areas of different levels overlap, all are
returned and the strictest comes first: where levels conflict, the stricter one applies.

``measures_at`` answers the same question of the society-wide measures (decision 0047): the
settings in force at a jurisdiction, from the measures of it and of every level above it, each
read from its published changes. Reopening asks it whether a measure closes an establishment's
kind; the simulator reads the settings as its interventions.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from .choices import TransitionStatus
from .extent import prefixes
from .levels import level_order, levels_at
from .measure_settings import closes
from .models import MeasureChange, RiskArea


@dataclass(frozen=True)
class Control:
    area: RiskArea
    level: str
    order: int
    restricts_opening: bool


def controls_at(
    *, place=None, jurisdiction_code: str | None = None, at: datetime.datetime
) -> list[Control]:
    """The areas in force at ``at`` covering ``place`` or ``jurisdiction_code``, strictest first."""
    if place is None and not jurisdiction_code:
        raise ValueError("controls_at needs a place or a jurisdiction_code")
    covering = Q(pk__in=[])
    code = jurisdiction_code or ""
    if place is not None:
        covering |= Q(places__in=[p for p in (place.pk, place.parent_id) if p is not None])
        code = code or place.jurisdiction_id
    if code:
        covering |= Q(jurisdictions__in=prefixes(code))
    areas = RiskArea.objects.filter(covering, effective_from__lte=at).distinct()
    levels = levels_at(areas, at)
    out = []
    for area in RiskArea.objects.filter(pk__in=list(levels)).select_related("jurisdiction"):
        level = levels[area.pk]
        order, restricts = level_order(area.protocol_id, level)
        out.append(Control(area, level, order, restricts))
    return sorted(out, key=lambda c: (c.order, c.area.pk))


def areas_lying_in(code: str):
    """Risk areas (a queryset) whose extent reaches into jurisdiction ``code``, whoever decided
    them: decided there, with a place or a jurisdiction of their extent in it, or with an extent
    that covers it whole (a county seals a township's compound)."""
    return RiskArea.objects.filter(
        Q(jurisdiction__code__within=code)
        | Q(places__jurisdiction__code__within=code)
        | Q(jurisdictions__code__within=code)
        | Q(jurisdictions__in=prefixes(code))
    ).distinct()


@dataclass(frozen=True)
class MeasureInForce:
    """A society-wide measure at the setting it had at the time asked, and since when."""

    measure_id: int
    kind: str
    setting: dict
    jurisdiction_code: str
    jurisdiction_name: str
    since: datetime.datetime

    def closes(self, establishment_kind: str) -> bool:
        """Whether this setting keeps an establishment of that kind shut."""
        return closes(self.kind, self.setting, establishment_kind)


def measures_at(code: str, at: datetime.datetime) -> list[MeasureInForce]:
    """The measures in force at ``at`` over jurisdiction ``code`` (those of ``code`` and of every
    jurisdiction above it), from their changes published by then (decision 0030); by
    jurisdiction, then kind."""
    rows = (
        MeasureChange.objects.filter(
            jurisdiction__in=prefixes(code),
            status=TransitionStatus.PUBLISHED,
            effective_at__lte=at,
            published_at__lte=at,
        )
        .order_by("measure_id", "effective_at", "id")
        .values_list(
            "measure_id",
            "measure__kind",
            "to_setting",
            "jurisdiction_id",
            "jurisdiction__name",
            "effective_at",
        )
    )
    last: dict[int, tuple] = {}
    for row in rows:
        last[row[0]] = row
    found = [
        MeasureInForce(mid, kind, setting, jcode, jname, since)
        for mid, kind, setting, jcode, jname, since in last.values()
        if setting
    ]
    return sorted(found, key=lambda m: (m.jurisdiction_code, m.kind, m.measure_id))
