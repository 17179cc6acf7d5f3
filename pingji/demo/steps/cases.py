"""The replay's cases: the September 2021 Fujian outbreak, reported as the bulletins reported it.

Counts are the bulletins' own (``demo/data``, decision 0006): for every city and reporting day,
``new_asymptomatic`` asymptomatic infections are reported, and ``new_confirmed`` confirmed cases of
which some are reclassifications of an asymptomatic infection reported earlier ("其中无症状感染者转
确诊N例", the province file's ``asym_to_confirmed``). The city split of reclassifications is not
always published; :func:`allocate_reclassifications` gives each day's reclassifications to the
cities with the fewest pending asymptomatic infections first, which reproduces what is published
(all six of 17 Sep in Putian, three Putian infections never reclassified) — 468 confirmed, 43
asymptomatic, 40 reclassified, 471 infections.

Everything else about a case is synthetic "line detail", drawn from ``replay.rng("cases")``:

* Counties (published by-county figures, ``putian_outbreak_published_figures.csv``): Putian —
  182 of 183 confirmed in 仙游县 by 21 Sep, one in 荔城区; the demo puts 95 % in 仙游县 and the
  rest in 城厢区/荔城区. Xiamen — 同安区 116, 思明区 8, 海沧区 5, 湖里区 2 of 131 on 19 Sep, used
  as weights.
  Quanzhou — 泉港区 (bordering Xianyou), except a family cluster of three in 安溪县 on 19 Sep.
  Zhangzhou — assumption: 龙海区 (no county split found).
* Persons: residents of the synthetic population of that county (children for the school chain,
  adults of working age for the factories, household members of earlier cases for household
  spread — "schools → factories mostly via family contact", Putian hospital cohort 2021). A county
  whose synthetic population runs out (tiny demo scales) registers extra residents.
* Chains: Xianyou's Putou primary-school chain and Xiesheng shoe-factory chain (≥ 15 and ≥ 10
  infections by 13 Sep, NHC expert team), two factory clusters in Tong'an (Xiamen "amplified in
  factories", press conference 19 Sep); each line names its likely infector, which ``steps.tracing``
  turns into transmission links.
* Times: reported at a random hour of the bulletin day; sampled 6–30 h before; symptom onset 0–3
  days before sampling (median incubation 4.5 days, press conference 29 Sep, puts onsets of
  infectees 2–6 days after their infector's). Severity: 59 mild : 40 moderate (Putian, 99
  confirmed). Channels: the first days in the community (fever clinic, proactive testing,
  community screening); from 15 Sep mostly inside control — "all found among close/secondary
  contacts or in sealed/controlled areas" (press conference 20 Sep). Everyone recovers 16–24 days
  after report (time to negativity 16–18 days, Putian hospital cohort) — 767 of 768 discharged.

Everything is written as the county epidemiologist, at the historical time: the reports in one
batch through ``actions.bulk.do_report_cases_bulk`` (the rows and events ``do_report_case``
writes, each event at its report's time), the reclassifications through their action, whose events
and change-log rows :class:`Backdate` moves to the moment they stand for.
"""

import csv
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from pingji.cases.actions.bulk import Report, do_report_cases_bulk
from pingji.cases.actions.course import do_reclassify_case
from pingji.cases.choices import Channel, Classification, Outcome, Severity
from pingji.cases.contracts import OUTCOME_RECORDED
from pingji.cases.models import Case
from pingji.core.events import record_events
from pingji.core.models import DomainEvent
from pingji.core.rows import update
from pingji.demo.replay import PROVINCE_CASES, Replay
from pingji.demo.steps.cases_support import OUTBREAK_DAY, Backdate, Residents
from pingji.geo.choices import PlaceKind
from pingji.geo.models import Place
from pingji.people.models import Person
from pingji.users.models import User

TZ = timezone.get_fixed_timezone(8 * 60)  # Asia/Shanghai has had no DST since 1991
#: (county, weight) per city; see the module docstring for the sources.
COUNTIES = {
    "3503": (("350322", 0.95), ("350302", 0.03), ("350304", 0.02)),
    "3502": (("350212", 0.885), ("350203", 0.061), ("350205", 0.038), ("350206", 0.016)),
    "3505": (("350505", 1.0),),
    "3506": (("350604", 1.0),),
}
#: Quanzhou's 19 Sep: a family cluster of three in 安溪县 seeded by a visit to a Xiamen hospital.
ANXI = ("350524", datetime.date(2021, 9, 19), 3)
FENGTING = "350322100"  # 枫亭镇, Xianyou: the school and the shoe factory
SCHOOL, SHOE_FACTORY = "school", "shoe_factory"
FACTORY_A, FACTORY_B = "xiamen_factory_a", "xiamen_factory_b"
HOUSEHOLD, COMMUNITY, IMPORTED_LINK = "household", "community", "cross_city"
#: Cluster mix of new reports by city and phase (assumption shaped on the published chain sizes).
MIX = {
    ("3503", 0): ((SCHOOL, 0.45), (SHOE_FACTORY, 0.25), (HOUSEHOLD, 0.2), (COMMUNITY, 0.1)),
    ("3503", 1): ((SCHOOL, 0.1), (SHOE_FACTORY, 0.1), (HOUSEHOLD, 0.5), (COMMUNITY, 0.3)),
    ("3503", 2): ((HOUSEHOLD, 0.6), (COMMUNITY, 0.4)),
    ("3502", 0): ((FACTORY_A, 0.35), (FACTORY_B, 0.25), (HOUSEHOLD, 0.25), (COMMUNITY, 0.15)),
    ("3502", 1): ((FACTORY_A, 0.1), (FACTORY_B, 0.1), (HOUSEHOLD, 0.45), (COMMUNITY, 0.35)),
    ("3502", 2): ((HOUSEHOLD, 0.6), (COMMUNITY, 0.4)),
}
PHASES = (datetime.date(2021, 9, 14), datetime.date(2021, 9, 17))
CHANNELS = {
    0: (
        (Channel.FEVER_CLINIC, 0.35),
        (Channel.PROACTIVE_TESTING, 0.25),
        (Channel.COMMUNITY_SCREENING, 0.4),
    ),
    1: (
        (Channel.COMMUNITY_SCREENING, 0.3),
        (Channel.CENTRALISED_QUARANTINE, 0.35),
        (Channel.CONTROLLED_AREA_SCREENING, 0.25),
        (Channel.FEVER_CLINIC, 0.1),
    ),
    2: (
        (Channel.CENTRALISED_QUARANTINE, 0.6),
        (Channel.HOME_QUARANTINE, 0.05),
        (Channel.CONTROLLED_AREA_SCREENING, 0.25),
        (Channel.COMMUNITY_SCREENING, 0.1),
    ),
}
SEVERITY = ((Severity.MILD, 59), (Severity.MODERATE, 40))


@dataclass
class Line:
    """One synthetic line of the line list, before and after it is reported."""

    n: int
    day: datetime.date
    city: str
    county: str
    classification: str
    cluster: str
    infector: int | None = None  # another line's ``n``
    setting: str = "other"
    reclassified_on: datetime.date | None = None
    place_id: int | None = None
    person_id: int | None = None
    household_id: int | None = None
    case_id: int | None = None
    reported_at: datetime.datetime | None = None
    sampled_at: datetime.datetime | None = None
    onset_date: datetime.date | None = None
    channel: str = ""
    extra: dict = field(default_factory=dict)

    # The phases after ``cast_lines`` (which times every line) and after the reports (which give
    # each line its case) read these instead of the optional fields, which are set by then.
    @property
    def reported(self) -> datetime.datetime:
        if self.reported_at is None:
            raise ValueError(f"line {self.n} is read before it was cast")
        return self.reported_at

    @property
    def reported_case_id(self) -> int:
        if self.case_id is None:
            raise ValueError(f"line {self.n} is read before its case was reported")
        return self.case_id


def _pick(rng, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _phase(day: datetime.date) -> int:
    return sum(day >= p for p in PHASES)


def reclassifications_by_day() -> dict[datetime.date, int]:
    """The province's "of which reclassified from asymptomatic" per day of the outbreak."""
    out = {}
    with PROVINCE_CASES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            day = datetime.date.fromisoformat(row["date"])
            if day >= OUTBREAK_DAY and (row["asym_to_confirmed"] or "0") != "0":
                out[day] = int(row["asym_to_confirmed"])
    return out


def allocate_reclassifications(city_days, by_day) -> dict[tuple, int]:
    """(day, city) → reclassifications: each day's to the cities with fewest pending first.

    An infection is reclassified on a later day than it was reported, and a city cannot
    reclassify more than its new confirmed cases of the day.
    """
    pending: Counter = Counter()
    out: dict[tuple, int] = {}
    for day in sorted({d.day for d in city_days}):
        todays = [d for d in city_days if d.day == day]
        left = by_day.get(day, 0)
        for d in sorted(todays, key=lambda d: (pending[d.city_code], d.city_code)):
            take = min(left, pending[d.city_code], d.new_confirmed)
            if take:
                out[(day, d.city_code)] = take
                pending[d.city_code] -= take
                left -= take
        if left:
            raise ValueError(f"{day}: {left} reclassifications without a pending infection")
        for d in todays:
            pending[d.city_code] += d.new_asymptomatic
    return out


def plan_lines(replay: Replay) -> list[Line]:
    """Every report of the outbreak as a line: counts exact, counties and clusters drawn."""
    rng = replay.rng("cases")
    city_days = [d for d in replay.city_days() if d.day >= OUTBREAK_DAY]
    reclass = allocate_reclassifications(city_days, reclassifications_by_day())
    lines: list[Line] = []
    asymptomatic_pending: dict[str, list[Line]] = defaultdict(list)
    for d in sorted(city_days, key=lambda d: (d.day, d.city_code)):
        for line in asymptomatic_pending[d.city_code][: reclass.get((d.day, d.city_code), 0)]:
            line.reclassified_on = d.day
        del asymptomatic_pending[d.city_code][: reclass.get((d.day, d.city_code), 0)]
        new_confirmed = d.new_confirmed - reclass.get((d.day, d.city_code), 0)
        kinds = [Classification.ASYMPTOMATIC] * d.new_asymptomatic
        kinds += [Classification.CONFIRMED] * new_confirmed
        rng.shuffle(kinds)
        anxi = ANXI[2] if (d.city_code == "3505" and d.day == ANXI[1]) else 0
        for i, kind in enumerate(kinds):
            county = ANXI[0] if i < anxi else _pick(rng, COUNTIES[d.city_code])
            cluster = _pick(rng, MIX.get((d.city_code, _phase(d.day)), ((HOUSEHOLD, 0.5),)))
            if d.city_code in ("3505", "3506"):
                cluster = IMPORTED_LINK if i == 0 or rng.random() < 0.5 else HOUSEHOLD
            if cluster in (SCHOOL, SHOE_FACTORY) and county != "350322":
                cluster = HOUSEHOLD
            if cluster in (FACTORY_A, FACTORY_B) and county != "350212":
                cluster = COMMUNITY
            line = Line(len(lines) + 1, d.day, d.city_code, county, kind, cluster)
            lines.append(line)
            if kind == Classification.ASYMPTOMATIC:
                asymptomatic_pending[d.city_code].append(line)
    return lines


def cluster_places(rng) -> dict[str, int | None]:
    """The school, the shoe factory and Tong'an's two factories: synthetic places of the tree."""

    def one(kind, *prefixes, k=1):
        for prefix in prefixes:
            ids = list(
                Place.objects.filter(kind=kind, jurisdiction__code__startswith=prefix)
                .order_by("id")
                .values_list("id", flat=True)
            )
            if len(ids) >= k:
                return rng.sample(ids, k)
        return [None] * k

    a, b = one(PlaceKind.ENTERPRISE, "350212", k=2)
    return {
        SCHOOL: one(PlaceKind.SCHOOL, FENGTING, "350322")[0],
        SHOE_FACTORY: one(PlaceKind.ENTERPRISE, FENGTING, "350322")[0],
        FACTORY_A: a,
        FACTORY_B: b,
    }


def _recent(candidates: list[Line], day, rng) -> Line | None:
    """An infector reported 1–6 days before ``day`` if any, else the latest earlier one."""
    earlier = [c for c in candidates if c.day < day]
    near = [c for c in earlier if (day - c.day).days <= 6]
    if near:
        return rng.choice(near)
    return earlier[-1] if earlier else None


def cast_lines(lines: list[Line], residents: Residents, places, rng) -> None:
    """Give every line a person, a setting, an infector, a place and its times."""
    by_cluster: dict[str, list[Line]] = defaultdict(list)
    by_county: dict[str, list[Line]] = defaultdict(list)
    by_city: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        line.place_id = places.get(line.cluster)
        person = None
        if line.cluster == HOUSEHOLD:
            options = [c for c in by_county[line.county] if c.household_id and c.day < line.day]
            rng.shuffle(options)
            for source in options:
                person = residents.household_member(source.household_id)
                if person:
                    line.infector, line.setting = source.n, "household"
                    break
            if person is None:
                line.cluster = COMMUNITY
        if person is None:
            ages = {SCHOOL: (6, 12), SHOE_FACTORY: (18, 59)}.get(line.cluster, (18, 59))
            if line.cluster in (FACTORY_A, FACTORY_B):
                ages = (18, 59)
            elif line.cluster in (COMMUNITY, IMPORTED_LINK):
                ages = (1, 90)
            prefer = FENGTING if line.cluster in (SCHOOL, SHOE_FACTORY) else ""
            person = residents.take(line.county, ages, prefer)
        line.person_id = person
        line.household_id = residents.info[person][1]
        if line.infector is None:
            _link(line, by_cluster, by_county, by_city, rng)
        _times(line, lines, rng)
        by_cluster[line.cluster].append(line)
        by_county[line.county].append(line)
        by_city[line.city].append(line)


def _link(line: Line, by_cluster, by_county, by_city, rng) -> None:
    settings = {SCHOOL: "school", SHOE_FACTORY: "workplace", FACTORY_A: "workplace"}
    settings[FACTORY_B] = "workplace"
    if line.cluster in settings:
        source = _recent(by_cluster[line.cluster], line.day, rng)
        if source is None and line.cluster == SHOE_FACTORY:  # from the school via a family
            source = _recent(by_cluster[SCHOOL] + by_cluster[HOUSEHOLD], line.day, rng)
        line.setting = settings[line.cluster]
    elif line.cluster == IMPORTED_LINK:
        origin = "3503" if line.county == "350505" else "3502"
        source = _recent(by_city[origin], line.day, rng)
        line.setting = "medical" if line.county == ANXI[0] else "workplace"
    else:
        source = _recent(by_county[line.county], line.day, rng) if rng.random() < 0.7 else None
        line.setting = rng.choice(("venue", "other", "transport"))
    line.infector = source.n if source else None


def _times(line: Line, lines: list[Line], rng) -> None:
    phase = _phase(line.day)
    line.reported_at = datetime.datetime.combine(
        line.day, datetime.time(rng.randint(0, 22), rng.randint(0, 59)), TZ
    )
    line.sampled_at = line.reported_at - datetime.timedelta(hours=rng.uniform(6, 30))
    if line.classification == Classification.CONFIRMED:
        line.onset_date = line.sampled_at.date() - datetime.timedelta(
            days=rng.choices((0, 1, 2, 3), (3, 4, 2, 1))[0]
        )
    if line.setting == "household" and phase:
        line.channel = rng.choice((Channel.CENTRALISED_QUARANTINE, Channel.HOME_QUARANTINE))
    else:
        line.channel = _pick(rng, CHANNELS[phase])


def _actor_for(cache: dict):
    def actor(county: str) -> User:
        if county not in cache:
            cache[county] = User.objects.get(username=f"{county}-epidemiologist")
        return cache[county]

    return actor


def ensure_demo_actors(counties) -> None:
    """The county epidemiologists the replay acts as (the demo accounts, or made for a test)."""
    from pingji.users.choices import Role

    for county in counties:
        if not User.objects.filter(username=f"{county}-epidemiologist").exists():
            User.objects.create(
                username=f"{county}-epidemiologist",
                role=Role.EPIDEMIOLOGIST,
                jurisdiction_id=county,
            )


def load(replay: Replay) -> dict:
    """Report the outbreak's cases at their historical times; returns the bulletin totals."""
    rng = replay.rng("cases")
    lines = plan_lines(replay)
    counties = sorted({c for options in COUNTIES.values() for c, _w in options} | {ANXI[0]})
    ensure_demo_actors(counties)
    actor = _actor_for({})
    backdate = Backdate()
    with transaction.atomic():
        residents = Residents(rng, counties, actor)
        cast_lines(lines, residents, cluster_places(rng), rng)
        persons = Person.objects.in_bulk([line.person_id for line in lines])
        in_order = sorted(lines, key=lambda x: x.reported)
        reports = [
            Report(
                actor=actor(line.county),
                person=persons[line.person_id],
                classification=line.classification,
                channel=line.channel,
                reported_at=line.reported,
                severity=_pick(rng, SEVERITY)
                if line.classification == Classification.CONFIRMED
                else "",
                onset_date=line.onset_date,
                sampled_at=line.sampled_at,
                notes=_note(line),
            )
            for line in in_order
        ]
        for line, case in zip(in_order, do_report_cases_bulk(reports), strict=True):
            line.case_id = case.pk
        for line in sorted(lines, key=lambda x: x.reported):
            if line.reclassified_on:
                at = max(
                    datetime.datetime.combine(line.reclassified_on, datetime.time(10), TZ),
                    line.reported + datetime.timedelta(hours=2),
                )
                line.onset_date = at.date() - datetime.timedelta(days=rng.randint(0, 1))
                line.onset_date = max(line.onset_date, line.reported.date())
                line.extra["reclassified_at"] = at
                with backdate.at(at):
                    do_reclassify_case(
                        Case.objects.get(pk=line.reported_case_id),
                        actor=actor(line.county),
                        classification=Classification.CONFIRMED,
                        at=at,
                        severity=_pick(rng, SEVERITY),
                        onset_date=line.onset_date,
                    )
        backdate.apply()
        recovered = _recover(lines, actor, rng, replay.end)
    replay.lines = lines  # steps.tracing builds investigations and links on these
    confirmed = sum(
        1 for x in lines if x.classification == Classification.CONFIRMED or x.reclassified_on
    )
    return {
        "cases": len(lines),
        "confirmed": confirmed,
        "asymptomatic": sum(1 for x in lines if x.classification == Classification.ASYMPTOMATIC),
        "reclassified": sum(1 for x in lines if x.reclassified_on),
        "by_city": dict(Counter(x.city for x in lines)),
        "recovered": recovered,
        "registered_extra_residents": residents.extra,
    }


def _note(line: Line) -> str:
    labels = {
        SCHOOL: "Synthetic line: Putou primary-school chain.",
        SHOE_FACTORY: "Synthetic line: Xiesheng shoe-factory chain.",
        FACTORY_A: "Synthetic line: Tong'an factory cluster A.",
        FACTORY_B: "Synthetic line: Tong'an factory cluster B.",
    }
    return labels.get(line.cluster, "Synthetic line.")


def _recover(lines: list[Line], actors, rng, end: datetime.date) -> int:
    """Everyone recovers 16–24 days after report, unless that falls after the replay's end.

    Written in bulk — the rows and the ``cases.outcome_recorded`` events ``do_record_outcome``
    would write, with its payload — as 471 more actions would double the step's time.
    """
    cases = Case.objects.in_bulk([line.case_id for line in lines])
    closed, events = [], []
    kind = ContentType.objects.get_for_model(Case)
    for line in sorted(lines, key=lambda x: x.reported):
        at = line.reported + datetime.timedelta(days=rng.randint(16, 24), hours=3)
        at = max(at, line.extra.get("reclassified_at", at))
        if at.date() > end:
            continue
        case = cases[line.case_id]
        case.outcome, case.outcome_at = Outcome.RECOVERED, at
        closed.append(case)
        events.append(
            DomainEvent(
                kind=OUTCOME_RECORDED,
                time=at,
                actor=actors(line.county),
                jurisdiction_code=case.jurisdiction_id,
                content_type=kind,
                object_id=str(case.pk),
                summary=f"{case}: {Outcome.RECOVERED.label}",
                payload={
                    "recovered": 1,
                    "died": 0,
                    "classification": case.classification,
                    "at": at.isoformat(),
                },
            )
        )
    update(Case, closed, ["outcome", "outcome_at"])
    record_events(events)
    return len(closed)
