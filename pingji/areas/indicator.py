"""The community-transmission indicator by city and county (社会面传播基本阻断).

From cases alone: how many infections were found inside control (in quarantine or in sealed and
controlled areas' screening: ``cases.choices.INSIDE_CONTROL``) and how many in the community, and
how many days have passed since the last community one. Community transmission reads as
"basically blocked" when every new infection of the last ``window`` days was found inside
control, after at least one infection: the judgement the seed reports and reopening reads
(decision 0015; the window is local practice, ``AREAS_COMMUNITY_WINDOW_DAYS``, default 3).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from pingji.cases.choices import INFECTIONS, INSIDE_CONTROL
from pingji.cases.models import Case
from pingji.geo.drills import real_only
from pingji.geo.models import Jurisdiction
from pingji.protocols.models import COVID_19

from .extent import day_end, local_date


def window_days() -> int:
    return int(getattr(settings, "AREAS_COMMUNITY_WINDOW_DAYS", 3))


@dataclass
class Row:
    code: str
    name: str
    level: str
    inside: int = 0
    community: int = 0
    recent_inside: int = 0
    recent_community: int = 0
    last_community_on: datetime.date | None = None
    last_infection_on: datetime.date | None = None
    days_since_community: int | None = None
    children: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.inside + self.community

    @property
    def blocked(self) -> bool:
        """Basically blocked: infections seen, none in the community within the window."""
        return self.total > 0 and self.recent_community == 0


def community_transmission(code: str, on: datetime.date) -> list[Row]:
    """Rows for the cities (or, below a city, the counties) under ``code``, as of ``on``."""
    window = window_days()
    since = on - datetime.timedelta(days=window - 1)
    length = 4 if len(code) < 4 else 6
    units = {
        j.code: Row(j.code, j.name, j.level)
        for j in Jurisdiction.objects.filter(
            code__startswith=code, level="city" if length == 4 else "county"
        ).only("code", "name", "level")
    }
    counties: dict[str, Row] = {}
    if length == 4:
        for j in Jurisdiction.objects.filter(code__startswith=code, level="county").only(
            "code", "name", "level"
        ):
            counties[j.code] = Row(j.code, j.name, j.level)
    infections = Case.objects.filter(
        disease_id=COVID_19, classification__in=list(INFECTIONS), reported_at__lt=day_end(on)
    )
    cases = real_only(infections, "jurisdiction__code").values_list(
        "jurisdiction_id", "channel", "reported_at"
    )
    if code:
        cases = cases.filter(jurisdiction__code__within=code)
    for grid, channel, reported_at in cases:
        day = local_date(reported_at)
        for row in (units.get(grid[:length]), counties.get(grid[:6])):
            if row is not None:
                _count(row, channel in INSIDE_CONTROL, day, day >= since)
    out = []
    for row in units.values():
        row.children = sorted(
            (c for c in counties.values() if c.code.startswith(row.code) and c.total),
            key=lambda c: c.code,
        )
        for r in (row, *row.children):
            if r.last_community_on:
                r.days_since_community = (on - r.last_community_on).days
        if row.total:
            out.append(row)
    return sorted(out, key=lambda r: r.code)


def _count(row: Row, inside: bool, day: datetime.date, recent: bool) -> None:
    if inside:
        row.inside += 1
        row.recent_inside += recent
    else:
        row.community += 1
        row.recent_community += recent
        if row.last_community_on is None or day > row.last_community_on:
            row.last_community_on = day
    if row.last_infection_on is None or day > row.last_infection_on:
        row.last_infection_on = day
