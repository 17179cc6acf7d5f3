"""The readiness score of each county: reserves, capacity, training, drills, open improvements.

Each part is scored 0–100 and the score is their mean; every part below 100 says why (what lowers
it), so a county knows what to fix. A city or the province gets the table of every county below it
(``readiness_table``), computed in a handful of grouped queries whatever the number of counties.

- reserves: the share of (store, item) pairs holding the protocol's reserve days (resources);
- capacity: one quarter for each kind of capacity the county has (designated hospital beds, a
  fever clinic, a testing lab, quarantine rooms in reserve), scaled by the workforce it has
  against the headcount its plan asks for;
- training: the share of the county's active users who passed a course in the past 365 days;
- drills: the score of its latest finished drill in the past 365 days (none: 0);
- improvements: 100 less 20 per improvement task from a drill still open.

For one disease (decision 0041) the reserves part counts only the supply categories the disease's
pack names (larvicides and sprayers for dengue, antivirals for influenza), and a category no store
of the county holds lowers it; the capacity part counts the kinds of facility the pack names (a
laboratory and hospital beds for dengue, no quarantine rooms); the drills part counts only drills
of that disease.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction
from pingji.protocols.diseases import capacity_kinds, reserve_categories
from pingji.resources.choices import FacilityKind, SupplyCategory
from pingji.resources.models import Facility, Store, SupplyItem, Workforce
from pingji.resources.reserves import reserve_rows
from pingji.tasks.choices import OPEN_STATUSES

from .choices import DrillStatus
from .models import Attendance, Drill, DrillFinding

COUNTY = CODE_LENGTH[Level.COUNTY]
YEAR = datetime.timedelta(days=365)
#: The kinds of capacity counted for every disease together (COVID-19's pack names the same).
CAPACITY_KINDS = (
    FacilityKind.DESIGNATED_HOSPITAL,
    FacilityKind.FEVER_CLINIC,
    FacilityKind.LAB,
    FacilityKind.QUARANTINE_RESERVE,
)
#: The figure a facility of a kind must have above zero to count (others count by existing).
CAPACITY_FIGURE = {
    FacilityKind.DESIGNATED_HOSPITAL: "general_beds",
    FacilityKind.LAB: "daily_capacity",
    FacilityKind.QUARANTINE_RESERVE: "rooms",
}


def users_in(code: str):
    """The active users working in the subtree of ``code``: whom the training part counts."""
    return get_user_model().objects.filter(is_active=True, jurisdiction__code__startswith=code)


@dataclass
class Readiness:
    jurisdiction: Jurisdiction
    parts: dict[str, int] = field(default_factory=dict)
    lowered_by: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return round(sum(self.parts.values()) / len(self.parts)) if self.parts else 0


def readiness_table(code: str, on: datetime.date, disease: str | None = None) -> list[Readiness]:
    counties = list(
        Jurisdiction.objects.real().subtree(code).filter(level=Level.COUNTY).order_by("code")
    )
    if len(code) > COUNTY:
        return []
    if len(code) == COUNTY:
        counties = [c for c in counties if c.code == code]
    out = {c.code: Readiness(c) for c in counties}
    _reserves(code, on, out, reserve_categories(disease) if disease else None)
    _capacity(code, out, capacity_kinds(disease) if disease else CAPACITY_KINDS)
    _training(code, on, out)
    _drills(code, on, out, disease)
    return list(out.values())


def readiness_of(code: str, on: datetime.date) -> Readiness | None:
    rows = readiness_table(code[:COUNTY], on)
    return rows[0] if rows else None


def _reserves(code, on, out, categories: set[str] | None):
    """Held (store, item) pairs over all; for one disease, only its categories, each category no
    store of the county holds counted as one pair short."""
    held: defaultdict[str, int] = defaultdict(int)
    total: defaultdict[str, int] = defaultdict(int)
    stocked: defaultdict[str, set] = defaultdict(set)
    stores = dict(Store.objects.subtree(code).values_list("pk", "jurisdiction_id"))
    kinds = dict(SupplyItem.objects.values_list("pk", "category")) if categories else {}
    for row in reserve_rows(code, on):
        if categories is not None and kinds.get(row.item_id) not in categories:
            continue
        county = stores.get(row.store_id, "")[:COUNTY]
        total[county] += 1
        held[county] += int(not row.under_reserve)
        stocked[county].add(kinds.get(row.item_id))
    labels = dict(SupplyCategory.choices)
    for county, r in out.items():
        for missing in sorted((categories or set()) - stocked[county]):
            total[county] += 1
            r.lowered_by.append(
                _("no %(category)s in any store") % {"category": labels.get(missing, missing)}
            )
        if not total[county]:
            r.parts["reserves"] = 0
            r.lowered_by.append(_("no supplies recorded in any store"))
            continue
        r.parts["reserves"] = round(100 * held[county] / total[county])
        short = total[county] - held[county] - len((categories or set()) - stocked[county])
        if short:
            r.lowered_by.append(
                _("%(n)s of %(t)s store items under the reserve standard")
                % {"n": short, "t": total[county]}
            )


def _capacity(code, out, kinds):
    """An equal share for each kind of facility ``kinds`` names that the county has, scaled by
    its workforce against the headcount its plan asks for."""
    present = defaultdict(set)
    for jur, kind, beds, cap, rooms in (
        Facility.objects.subtree(code)
        .filter(active=True, kind__in=list(kinds))
        .values_list("jurisdiction_id", "kind", "general_beds", "daily_capacity", "rooms")
    ):
        figure = {"general_beds": beds, "daily_capacity": cap, "rooms": rooms}
        key = CAPACITY_FIGURE.get(kind)
        if key is None or figure[key] > 0:
            present[jur[:COUNTY]].add(kind)
    staff = defaultdict(lambda: [0, 0])
    for row in (
        Workforce.objects.subtree(code)
        .values("jurisdiction_id")
        .annotate(h=Sum("headcount"), n=Sum("needed"))
    ):
        s = staff[row["jurisdiction_id"][:COUNTY]]
        s[0] += row["h"] or 0
        s[1] += row["n"] or 0
    labels = dict(FacilityKind.choices)
    for county, r in out.items():
        have = present[county]
        base = 100 * len(have) / len(kinds)
        for kind in kinds:
            if kind not in have:
                r.lowered_by.append(_("no %(kind)s") % {"kind": labels.get(kind, kind)})
        head, needed = staff[county]
        ratio = min(1.0, head / needed) if needed else 1.0
        if needed and head < needed:
            r.lowered_by.append(
                _("workforce %(h)s of the %(n)s planned") % {"h": head, "n": needed}
            )
        r.parts["capacity"] = round(base * ratio)


def _training(code, on, out):
    users = defaultdict(int)
    for jur in users_in(code).values_list("jurisdiction_id", flat=True):
        users[jur[:COUNTY]] += 1
    trained = defaultdict(int)
    for row in (
        Attendance.objects.subtree(code)
        .filter(passed=True, course__held_on__gt=on - YEAR, course__held_on__lte=on)
        .values("jurisdiction_id")
        .annotate(n=Count("user_id", distinct=True))
    ):
        trained[row["jurisdiction_id"][:COUNTY]] += row["n"]
    for county, r in out.items():
        if not users[county]:
            r.parts["training"] = 0
            r.lowered_by.append(_("no users to train"))
            continue
        r.parts["training"] = min(100, round(100 * trained[county] / users[county]))
        if trained[county] < users[county]:
            r.lowered_by.append(
                _("%(n)s of %(t)s users trained in the past year")
                % {"n": trained[county], "t": users[county]}
            )


def _drills(code, on, out, disease: str | None):
    since = datetime.datetime.combine(on - YEAR, datetime.time()).astimezone()
    latest = {}
    drills = Drill.objects.subtree(code)
    if disease:
        drills = drills.filter(disease_id=disease)
    for jur, score in (
        drills.filter(
            status__in=[DrillStatus.FINISHED, DrillStatus.REMOVED],
            finished_at__gte=since,
            finished_at__date__lte=on,
        )
        .order_by("finished_at")
        .values_list("jurisdiction_id", "score")
    ):
        latest[jur[:COUNTY]] = score or 0
    open_items: defaultdict[str, int] = defaultdict(int)
    for jur in (
        DrillFinding.objects.subtree(code)
        .filter(task__status__in=OPEN_STATUSES)
        .values_list("jurisdiction_id", flat=True)
    ):
        open_items[jur[:COUNTY]] += 1
    for county, r in out.items():
        if county in latest:
            r.parts["drills"] = latest[county]
            if latest[county] < 100:
                r.lowered_by.append(_("steps missed their deadline in the last drill"))
        else:
            r.parts["drills"] = 0
            r.lowered_by.append(_("no drill in the past year"))
        r.parts["improvements"] = max(0, 100 - 20 * open_items[county])
        if open_items[county]:
            r.lowered_by.append(
                _("%(n)s improvement item(s) from drills still open") % {"n": open_items[county]}
            )
