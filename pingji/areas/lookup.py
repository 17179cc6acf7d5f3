"""The controls in force at a place or jurisdiction, strictest first: what areas offers reopening.

Reopening asks this before an establishment may resume: an establishment inside a sealed or
controlled (high or medium) area cannot reopen. An area covers a place when the place, its
compound, or one of its grid's ancestors is in the area's extent; it covers a jurisdiction when
the jurisdiction or one of its ancestors is. Where areas of different levels overlap, all are
returned and the strictest comes first: where levels conflict, the stricter one applies.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from .extent import prefixes
from .levels import level_order, levels_at
from .models import RiskArea


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
