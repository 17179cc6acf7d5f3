"""Where areas lie: extents as sets of places and jurisdiction codes, days in Asia/Shanghai.

An extent holds places (a compound covers its buildings) and jurisdictions (a township covers
every grid below it). Matching a resident, a case or an establishment to the areas around it is
therefore "its place or its place's compound is listed, or one of its grid's ancestors is": a
handful of dictionary look-ups, so evaluating thousands of areas never runs a query per area.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone

from pingji.core.actions import local_date  # noqa: F401 — the day of a time, read here by areas
from pingji.geo.choices import CODE_LENGTH

from .models import RiskArea

LENGTHS = tuple(CODE_LENGTH.values())


@lru_cache(maxsize=1024)
def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight opening ``day`` in the platform's zone (Asia/Shanghai)."""
    naive = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(naive, timezone.get_default_timezone())


@lru_cache(maxsize=1024)
def day_end(day: datetime.date) -> datetime.datetime:
    """Midnight closing ``day`` (exclusive): an evaluation reads everything before it."""
    return day_start(day + datetime.timedelta(days=1))


def prefixes(code: str) -> list[str]:
    """The code and every ancestor's code (the jurisdictions that cover it)."""
    return [code[:n] for n in LENGTHS if n <= len(code)]


def minimal_codes(codes) -> list[str]:
    """The codes none of whose ancestors is also listed: one ``within`` each covers them all."""
    out: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(c) for c in out):
            out.append(code)
    return out


@dataclass
class ExtentIndex:
    """Which areas list a place, and which list a jurisdiction code."""

    by_place: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_code: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    places_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    codes_of: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def areas_at(self, place_id, parent_id, code: str | None) -> set[int]:
        """The areas covering a resident of ``place_id`` (in compound ``parent_id``) in ``code``."""
        found: set[int] = set()
        for p in (place_id, parent_id):
            if p is not None:
                found |= self.by_place.get(p, set())
        if code:
            for c in prefixes(code):
                found |= self.by_code.get(c, set())
        return found


def index_extents(areas) -> ExtentIndex:
    """The extents of ``areas`` (a RiskArea queryset) read in two queries, whatever their number."""
    index = ExtentIndex()
    places = RiskArea.places.through.objects.filter(riskarea__in=areas)
    for area_id, place_id in places.values_list("riskarea_id", "place_id"):
        index.by_place[place_id].add(area_id)
        index.places_of[area_id].add(place_id)
    codes = RiskArea.jurisdictions.through.objects.filter(riskarea__in=areas)
    for area_id, code in codes.values_list("riskarea_id", "jurisdiction_id"):
        index.by_code[code].add(area_id)
        index.codes_of[area_id].add(code)
    return index
