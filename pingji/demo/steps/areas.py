"""The replay's risk areas: Xianyou and the rest of Putian, and Xiamen's Tong'an, September–October
2021, designated as infections were found and stepped down and lifted as the data allowed.

What the demo invents (the real lists named compounds the synthetic province does not have):

* **Designation.** Each county with infections seals the compounds where its first infections of
  the outbreak (reported up to 20 September) lived — at most ``MAX_SEALED`` per county, six hours
  after the compound's first report; puts each of their communities under control (管控区) and their
  townships under precaution (防范区), as the 8th edition's three levels do. Each is proposed by the
  county epidemiologist, approved by the county commander and published as a list of the county.
* **Every day** to 31 October the criteria are evaluated (``evaluation.evaluate``) from the replay's
  cases and contacts and from quarantine and screening records where the earlier demo steps wrote
  them. An area whose only unmet criterion is the all-resident screen is screened that day, as a
  county orders before lifting (``steps.testing.screen_extent``: one delineated-area campaign a day
  over the extents of the county's waiting areas, sampled from 07:00, negative by evening, inside
  the 8th edition's 48 h before lifting) and evaluated again. An eligible sealed area is stepped
  down to controlled the next morning, an eligible controlled or precaution area lifted. Where the
  days without infection have passed but the data still do not meet a criterion (contacts that
  ``quarantine.evidence.unreleased_contacts`` counts as not released negative), the county lifts by
  override whose justification quotes the unmet criteria (approved by the city, as decision 0014
  requires) — ``OVERRIDE_AFTER`` days after the days criterion was met.
* **Checkpoints**: two highway exits per county check a negative test within 48 h for people
  leaving (throughput drawn from ``replay.rng("areas")``), relaxed when no area they serve is
  sealed and lifted when all are lifted.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import F

from pingji.areas.actions import checkpoints, publishing, transitions
from pingji.areas.choices import AreaStatus, CheckpointKind, Verdict
from pingji.areas.evaluation import evaluate
from pingji.areas.extent import day_start, local_date
from pingji.areas.models import Checkpoint, Evaluation, RiskArea, Transition
from pingji.cases.choices import INFECTIONS
from pingji.cases.models import Case
from pingji.core import clock
from pingji.demo.replay import Replay
from pingji.demo.steps import testing as testing_demo
from pingji.demo.steps.cases import Backdate
from pingji.geo.models import Jurisdiction, Place
from pingji.users.models import User

#: Xianyou and Putian's other districts, Xiamen's Tong'an.
CITIES = ("3503",)
EXTRA_COUNTIES = ("350212",)
MAX_SEALED = 8
LAST_DESIGNATION = datetime.date(2021, 9, 20)
#: Days after the days-without-infection criterion before an override stands in for missing records.
OVERRIDE_AFTER = 3
NEXT = {"sealed": "controlled", "controlled": "", "precaution": ""}
EXITS = {
    "350322": ("沈海高速仙游收费站", "莆永高速仙游东出口"),
    "350212": ("沈海高速同安收费站", "厦门北站出站口"),
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return day_start(day) + datetime.timedelta(hours=hour)


def _counties() -> list[str]:
    codes = set(EXTRA_COUNTIES)
    for city in CITIES:
        rows = Case.objects.filter(jurisdiction__code__within=city).values_list(
            "jurisdiction_id", flat=True
        )
        codes |= {c[:6] for c in rows}
    return sorted(codes)


def _first_compounds(county: str) -> list[tuple[int, datetime.datetime]]:
    """Compounds of the county's first infections: (place id, first report), earliest first."""
    first: dict[int, datetime.datetime] = {}
    rows = Case.objects.filter(
        jurisdiction__code__within=county,
        classification__in=list(INFECTIONS),
        reported_at__lt=day_start(LAST_DESIGNATION + datetime.timedelta(days=1)),
    ).values_list(
        "person__household__place_id", "person__household__place__parent_id", "reported_at"
    )
    for place, parent, reported in rows:
        compound = parent or place
        if compound and (compound not in first or reported < first[compound]):
            first[compound] = reported
    return sorted(first.items(), key=lambda kv: kv[1])[:MAX_SEALED]


class Staff:
    """The demo accounts the replay acts as, and their units, each read once.

    Units are read without their boundary (kilobytes of GeoJSON no step here draws): the
    replay asks for a county hundreds of times.
    """

    def __init__(self):
        self.cache: dict[str, User] = {}
        self.units: dict[str, Jurisdiction] = {}

    def __call__(self, code: str, role: str) -> User:
        name = f"{code.ljust(6, '0')}-{role}"
        if name not in self.cache:
            users = User.objects.select_related("jurisdiction").defer("jurisdiction__boundary")
            self.cache[name] = users.get(username=name)
        return self.cache[name]

    def unit(self, code: str) -> Jurisdiction:
        if code not in self.units:
            self.units[code] = Jurisdiction.objects.defer("boundary").get(code=code)
        return self.units[code]


def _designate(county, staff, backdate, rng) -> list[RiskArea]:
    compounds = _first_compounds(county)
    if not compounds:
        return []
    places = Place.objects.in_bulk([c for c, _ in compounds])
    jurisdiction = staff.unit(county)
    epi, boss = staff(county, "epidemiologist"), staff(county, "commander")
    # (name, level, places, jurisdiction codes, designated at, tie-break) of each area to make
    made: list[tuple[str | None, str, list[Place], list[str], datetime.datetime, int | str]] = []
    communities: dict[str, datetime.datetime] = {}  # community → its first designation
    townships: dict[str, datetime.datetime] = {}
    for n, (pid, reported) in enumerate(compounds, start=1):
        place = places[pid]
        when = reported + datetime.timedelta(hours=6)
        communities.setdefault(place.jurisdiction_id[:12], when)
        townships.setdefault(place.jurisdiction_id[:9], when)
        made.append((f"{place.name}封控区", "sealed", [place], [], when, n))
    for code, when in communities.items():
        made.append((None, "controlled", [], [code], when, code))
    first = min(when for *_, when, _n in made)
    made.append((f"{jurisdiction.name}防范区", "precaution", [], sorted(townships), first, "p"))
    names = dict(Jurisdiction.objects.filter(code__in=communities).values_list("code", "name"))
    areas: list[RiskArea] = []
    for name, level, extent_places, codes, when, _key in sorted(made, key=lambda m: m[4]):
        name = name or f"{names.get(codes[0], codes[0])}管控区"
        order = f"{jurisdiction.name[:2]}防控指〔2021〕{len(areas) + 1}号"
        with backdate.at(when):
            area = transitions.do_designate_area(
                actor=epi,
                jurisdiction=jurisdiction,
                name=name,
                level=level,
                legal_basis=order,
                decided_at=when,
                places=extent_places,
                jurisdictions=codes,
            )
            transitions.do_approve_transition(area.transitions.get(), actor=boss)
            publishing.do_publish(jurisdiction, actor=boss, at=when)
        areas.append(area)
    return areas


def _checkpoints(county, areas, staff, backdate) -> list[Checkpoint]:
    if not areas:
        return []
    boss = staff(county, "commander")
    since = min(a.decided_at for a in areas)
    out = []
    for name in EXITS.get(county, (f"{county}高速出口",)):
        kind = CheckpointKind.RAILWAY_STATION if "站出站" in name else CheckpointKind.HIGHWAY_EXIT
        with backdate.at(since):
            cp = checkpoints.do_create_checkpoint(
                actor=boss,
                jurisdiction=staff.unit(county),
                name=name,
                kind=kind,
                rules="离开人员查验48小时内核酸检测阴性证明，扫码测温",
                test_within_hours=48,
                since=since,
                areas=[a for a in areas if a.level in ("sealed", "controlled")],
                legal_basis=areas[0].legal_basis,
            )
            checkpoints.do_plan_lifting_step(
                cp,
                actor=boss,
                to_status="relaxed",
                condition="no_strictest",
                rules="查验健康码，48小时核酸阴性证明改为抽查",
            )
            checkpoints.do_plan_lifting_step(
                cp, actor=boss, to_status="lifted", condition="all_lifted"
            )
        out.append(cp)
    return out


def _screen_waiting(day, staff, backdate, rng) -> dict[str, list[RiskArea]]:
    """Screen every resident of the areas whose only missing criterion is the all-resident screen.

    The real workflow: once the days without infection and the contacts' quarantine allow lifting,
    the county orders a screen of the extents inside the protocol's window (8th edition: 48 h
    before lifting) — one campaign a day over all its areas waiting for it. Sampled from 07:00 on
    ``day``, negative by evening, through the testing app's own upload and job
    (``steps.testing.screen_extent``); returns the areas screened, by county.
    """
    waiting: dict[str, list[RiskArea]] = defaultdict(list)
    rows = Evaluation.objects.filter(day=day, verdict=Verdict.NOT_YET).select_related("area")
    for row in rows.order_by("area_id"):
        screen = row.evidence.get("screen")
        if not screen or screen.get("complete") or screen.get("positive") or len(row.reasons) != 1:
            continue
        waiting[row.area.jurisdiction_id[:6]].append(row.area)
    for code, areas in sorted(waiting.items()):
        county = staff.unit(code)
        testing_demo.screen_extent(
            actor=staff(code, "operator"),
            jurisdiction=county,
            name=f"{county.name}{day.month}月{day.day}日{len(areas)}个区域解封前全员核酸检测",
            codes=sorted(
                {c for a in areas for c in a.jurisdictions.values_list("code", flat=True)}
            ),
            places=list({p.pk: p for a in areas for p in a.places.all()}.values()),
            start=_at(day, 7),
            rng=rng,
            backdate=backdate,
            tag=f"{day:%m%d}{areas[0].pk}",
        )
    return waiting


def _override_due(finding) -> bool:
    ev = finding.evidence
    days, needed = ev.get("days_without_new_infection"), ev.get("days_required")
    return days is not None and needed is not None and days >= needed + OVERRIDE_AFTER


def _override_note(row) -> str:
    """Why the county lifts without the criteria: the day's unmet criteria, in its own words."""
    unmet = "；".join(str(r) for r in row.reasons) or "—"
    return (
        f"无新增感染天数已满足（{row.evidence.get('days_without_new_infection')}天），"
        f"但以下条件在回放数据中无法满足：{unmet}。县指挥部报市级批准后解除。"
    )


def _step(day, county, staff, backdate, counts) -> None:
    """Move every area of the county the day's evaluation allows, effective the next morning."""
    jurisdiction = staff.unit(county)
    epi, boss = staff(county, "epidemiologist"), staff(county, "commander")
    city = staff(county[:4], "commander")
    when = _at(day + datetime.timedelta(days=1), 10)
    moved = False
    for row in Evaluation.objects.filter(day=day, jurisdiction_id=county).select_related("area"):
        area = row.area
        if area.status != AreaStatus.ACTIVE or area.transitions.filter(status="proposed").exists():
            continue
        eligible = row.verdict in (Verdict.ELIGIBLE, Verdict.HELD)
        if not eligible and (area.level == "precaution" or not _override_due(row)):
            continue
        note = "" if eligible else _override_note(row)
        with backdate.at(when):
            t = transitions.do_propose_transition(
                area,
                actor=epi,
                to_level=NEXT[area.level],
                effective_at=when,
                justification=note,
                legal_basis=f"{jurisdiction.name[:2]}防控指〔2021〕调整",
            )
            transitions.do_approve_transition(t, actor=city if t.override else boss)
        counts["override" if t.override else "criteria"] += 1
        moved = True
    for cp in Checkpoint.objects.filter(jurisdiction_id=county).exclude(status="lifted"):
        for step in cp.steps.filter(done_at__isnull=True).order_by("sequence")[:1]:
            if checkpoints.step_readiness(step, when)[0]:
                with backdate.at(when):
                    checkpoints.do_take_lifting_step(step, actor=boss, at=when)
                moved = True
    if moved:
        with backdate.at(when):
            publishing.do_publish(jurisdiction, actor=boss, at=when)


def _record_days(cps, day, staff, rng, backdate) -> None:
    for cp in cps:
        if cp.status == "lifted" or local_date(cp.since) > day:
            continue
        persons = rng.randint(800, 3000)
        with backdate.at(_at(day, 22)):
            checkpoints.do_record_checkpoint_day(
                cp,
                actor=staff(cp.jurisdiction_id, "operator"),
                day=day,
                vehicles=persons * 2 // 5,
                persons=persons,
                turned_back=int(persons * rng.uniform(0.002, 0.02)),
            )


def load(replay: Replay) -> dict:
    """Designate, evaluate daily, step down and lift; returns the areas' figures."""
    rng, screen_rng = replay.rng("areas"), replay.rng("areas:screens")
    staff, backdate = Staff(), Backdate()
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        by_county = {}
        for county in _counties():
            areas = _designate(county, staff, backdate, rng)
            by_county[county] = (areas, _checkpoints(county, areas, staff, backdate))
        designated = [a for areas, _ in by_county.values() for a in areas]
        if designated:
            day = min(local_date(a.decided_at) for a in designated)
            while day <= replay.end and day < clock.today():
                evaluate(day, within="")
                screened = _screen_waiting(day, staff, backdate, screen_rng)
                if screened:
                    evaluate(day, area_ids=[a.pk for areas in screened.values() for a in areas])
                    counts["screens"] += len(screened)
                    counts["areas_screened"] += sum(len(areas) for areas in screened.values())
                for county, (areas, cps) in by_county.items():
                    if not areas or day < min(local_date(a.decided_at) for a in areas):
                        continue
                    cps = [Checkpoint.objects.get(pk=c.pk) for c in cps]
                    _record_days(cps, day, staff, rng, backdate)
                    _step(day, county, staff, backdate, counts)
                Evaluation.objects.filter(day=day).update(
                    computed_at=_at(day + datetime.timedelta(days=1), 1)
                )
                day += datetime.timedelta(days=1)
        mine = Transition.objects.filter(area__in=designated)
        mine.update(proposed_at=F("effective_at"))
        mine.exclude(approved_at=None).update(approved_at=F("effective_at"))
        backdate.apply()
    left = RiskArea.objects.filter(pk__in=[a.pk for a in designated], status=AreaStatus.ACTIVE)
    return {
        "areas": len(designated),
        "by_county": {c: len(a) for c, (a, _) in by_county.items()},
        "moved_by_criteria": counts["criteria"],
        "moved_by_override": counts["override"],
        "screens_before_lifting": counts["screens"],
        "areas_screened": counts["areas_screened"],
        "still_in_force": left.count(),
        "checkpoints": sum(len(c) for _a, c in by_county.values()),
    }
