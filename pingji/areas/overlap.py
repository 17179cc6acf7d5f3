"""Areas that overlap another: the same place, a compound and its building, or nested
jurisdictions. Overlaps are allowed, and where levels differ the stricter applies; the pages
show every overlap so nobody is surprised by it."""

from django.db.models import Q

from .choices import AreaStatus
from .extent import prefixes
from .levels import level_order
from .models import RiskArea


def overlaps(area: RiskArea) -> list[dict]:
    """Other areas in force (or proposed) sharing part of ``area``'s extent, strictest first."""
    places = list(area.places.values_list("pk", "parent_id"))
    place_ids = {p for pair in places for p in pair if p is not None}
    codes = list(area.jurisdictions.values_list("code", flat=True))
    covering = {c for code in codes for c in prefixes(code)}
    where = Q(places__in=place_ids) | Q(places__parent_id__in=place_ids)
    where |= Q(jurisdictions__in=covering) | Q(places__jurisdiction_id__in=_below(codes))
    for code in codes:
        where |= Q(jurisdictions__code__within=code)
    grids = {g for g in area.places.values_list("jurisdiction_id", flat=True)}
    where |= Q(jurisdictions__in={c for g in grids for c in prefixes(g)})
    others = (
        RiskArea.objects.filter(where, status__in=[AreaStatus.ACTIVE, AreaStatus.PROPOSED])
        .exclude(pk=area.pk)
        .distinct()
    )
    mine = level_order(area.protocol_id, area.level)[0]
    out = []
    for other in others:
        order = level_order(other.protocol_id, other.level)[0]
        out.append({"area": other, "order": order, "stricter": order < mine})
    return sorted(out, key=lambda o: (o["order"], o["area"].pk))


def _below(codes):
    from pingji.geo.models import Jurisdiction

    q = Q(pk__in=[])
    for code in codes:
        q |= Q(code__within=code)
    return Jurisdiction.objects.filter(q).values("code") if codes else []
