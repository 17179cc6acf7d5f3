"""Rooms needed in the next days, per city and county, and the sites that are nearly full.

Need on day ``on + d`` = people at a site whose planned release is after that day, plus the close
contacts in the pipeline (identified by tracing, not yet placed) whose centralised phase — by the
protocol in force for their home grid — would still run then. Sites at or above ``NEAR_FULL`` of
their beds are flagged: a site takes a day or two to requisition and prepare, so the flag must
come while there is still room (an operating rule, not a protocol figure).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from pingji.geo.drills import real_only
from pingji.protocols import rules
from pingji.protocols.choices import RegimeCategory
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .choices import PlacementStatus, Setting, SiteStatus
from .models import Placement, Site

NEAR_FULL = 0.9
HORIZONS = (7, 14)


@dataclass
class Need:
    code: str
    name: str = ""
    occupied: int = 0
    pipeline: int = 0
    beds: int = 0
    needed: dict = field(default_factory=dict)  # horizon → rooms needed on that day

    @property
    def free(self) -> int:
        return self.beds - self.occupied


def _pipeline(contacts, on: datetime.date) -> list[tuple[str, datetime.date]]:
    """(home grid code, planned release) of contacts not yet placed who will need a room."""
    from pingji.tracing.models import Contact

    placed = Placement.objects.filter(contact__isnull=False).values("contact_id")
    active = Placement.objects.filter(status=PlacementStatus.ACTIVE).values("person_id")
    everyone = contacts if contacts is not None else Contact.objects.all()
    rows = (
        real_only(everyone, "person__jurisdiction__code")
        .filter(tier=RegimeCategory.CLOSE_CONTACT)
        .exclude(pk__in=placed)
        .exclude(person_id__in=active)
        .values_list("person__jurisdiction_id", "last_exposure_at")
    )
    days: dict[str, int] = {}
    out = []
    for grid, last in rows:
        if grid not in days:
            try:
                days[grid] = rules.regime(
                    protocol_for(grid, on), RegimeCategory.CLOSE_CONTACT
                ).centralized_days
            except NoProtocolInForce:
                days[grid] = 0
        from django.utils import timezone

        release = timezone.localtime(last).date() + datetime.timedelta(days=days[grid])
        if days[grid] and release > on:
            out.append((grid, release))
    return out


def rooms_needed(placements, sites, contacts, on: datetime.date, *, level: int = 6) -> list[Need]:
    """Need per jurisdiction of code length ``level`` (4: city, 6: county), most pressed first."""
    from pingji.geo.models import Jurisdiction

    out: dict[str, Need] = defaultdict(lambda: Need(""))
    present = real_only(placements, "jurisdiction__code").filter(
        status=PlacementStatus.ACTIVE, setting=Setting.CENTRALISED
    )
    for code, release in present.values_list("jurisdiction_id", "planned_release_on"):
        need = out[code[:level]]
        need.occupied += 1
        for h in HORIZONS:
            need.needed[h] = need.needed.get(h, 0) + (release > on + datetime.timedelta(days=h))
    for grid, release in _pipeline(contacts, on):
        need = out[grid[:level]]
        need.pipeline += 1
        for h in HORIZONS:
            need.needed[h] = need.needed.get(h, 0) + (release > on + datetime.timedelta(days=h))
    beds = (
        real_only(sites, "jurisdiction__code")
        .filter(status=SiteStatus.OPEN)
        .values_list("jurisdiction_id")
        .annotate(n=Sum("rooms__beds", filter=Q(rooms__out_of_service=False)))
    )
    for code, n in beds:
        out[code[:level]].beds += n or 0
    names = dict(Jurisdiction.objects.filter(code__in=list(out)).values_list("code", "name"))
    for code, need in out.items():
        need.code, need.name = code, names.get(code, code)
        for h in HORIZONS:
            need.needed.setdefault(h, 0)
    return sorted(out.values(), key=lambda n: (n.free - n.pipeline, n.code))


def site_load(sites) -> list[tuple[Site, int, int, bool]]:
    """(site, occupied, beds, nearly full) for each site, fullest first (two grouped queries)."""
    from .models import Room

    sites = list(sites)
    ids = [s.pk for s in sites]
    occupied = dict(
        Placement.objects.filter(
            site_id__in=ids, status=PlacementStatus.ACTIVE, setting=Setting.CENTRALISED
        )
        .values_list("site_id")
        .annotate(n=Count("id"))
    )
    beds = dict(
        Room.objects.filter(site_id__in=ids, out_of_service=False)
        .values_list("site_id")
        .annotate(n=Sum("beds"))
    )
    out = []
    for site in sites:
        used, total = occupied.get(site.pk, 0), beds.get(site.pk, 0) or 0
        site.occupied, site.beds = used, total
        near = used >= NEAR_FULL * total if total else used > 0
        out.append((site, used, total, near))
    return sorted(out, key=lambda r: (-(r[1] / r[2]) if r[2] else 0, r[0].name))
