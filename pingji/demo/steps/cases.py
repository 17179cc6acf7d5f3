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

* Counties: Putian's and Xiamen's published split at 18 Sep 24:00 (仙游县 182, 荔城区 1; 同安区
  116, 思明区 8, 海沧区 5, 湖里区 2), exactly for the confirmed cases counted by then and as weights
  after (``cases_published``). Quanzhou — 泉港区 (bordering Xianyou), except a family cluster of
  three in 安溪县 on 19 Sep. Zhangzhou — assumption: 龙海区 (no county split found).
* Persons: residents of the synthetic population of that county (children for the school chain,
  adults of working age for the factories, household members of earlier cases for household
  spread — "schools → factories mostly via family contact", Putian hospital cohort 2021). A county
  whose synthetic population runs out (tiny demo scales) registers extra residents.
* Chains: Xianyou's Putou primary-school chain and Xiesheng shoe-factory chain (≥ 15 and ≥ 10
  infections by 13 Sep, NHC expert team), two factory clusters in Tong'an (Xiamen "amplified in
  factories", press conference 19 Sep); each line names its likely infector, which ``steps.tracing``
  turns into transmission links.
* Times: reported at a random hour of the bulletin day — before or after 08:00 on the days of the
  08:00 press conferences as their totals require (``cases_published``), reclassified at 10:00
  or, where those totals need it, before 08:00; sampled 6–30 h before; symptom onset 0–3
  days before sampling (median incubation 4.5 days, press conference 29 Sep, puts onsets of
  infectees 2–6 days after their infector's). Severity: 59 mild : 40 moderate (Putian, 99
  confirmed). Channels: the first days in the community (fever clinic, proactive testing,
  community screening); from 15 Sep mostly inside control — "all found among close/secondary
  contacts or in sealed/controlled areas" (press conference 20 Sep). Confirmed cases are
  discharged first in, first out so that the number in hospital at 24:00 is the bulletins' on
  every day they give it (``cases_published``); the three infections never confirmed recover
  16–24 days after report (time to negativity 16–18 days, Putian hospital cohort).

Everything is written as the county epidemiologist, at the historical time: the reports in one
batch through ``actions.bulk.do_report_cases_bulk`` (the rows and events ``do_report_case``
writes, each event at its report's time), the reclassifications through their action, whose events
and change-log rows :class:`Backdate` moves to the moment they stand for.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext_noop

from pingji.cases.actions.bulk import Report, do_report_cases_bulk
from pingji.cases.actions.course import do_reclassify_case
from pingji.cases.actions.reports import case_name
from pingji.cases.choices import Channel, Classification, Outcome, ReclassificationReason, Severity
from pingji.cases.contracts import OUTCOME_RECORDED
from pingji.cases.models import Case
from pingji.core.events import record_events, summary_fields
from pingji.core.messages import message
from pingji.core.models import DomainEvent
from pingji.core.rows import update
from pingji.demo.replay import Replay, province_column, recorded_when_they_happened
from pingji.demo.steps.cases_published import (
    COUNTY_SPLITS,
    closing_times,
    county_quotas,
    mornings,
    time_mornings,
)
from pingji.demo.steps.cases_support import OUTBREAK_DAY, TZ, Backdate, Residents, demo_actors
from pingji.geo.choices import PlaceKind
from pingji.geo.models import Place
from pingji.people.models import Person

#: (county, weight) per city; see the module docstring for the sources.
COUNTIES = {
    **{city: tuple(split.items()) for city, (_day, split) in COUNTY_SPLITS.items()},
    "3505": (("350505", 1),),
    "3506": (("350604", 1),),
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
    #: The hours (inclusive) its report and its reclassification may fall in.
    report_hours: tuple[int, int] = (0, 22)
    reclassified_hours: tuple[int, int] = (10, 10)
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
    by_day = province_column("asym_to_confirmed")
    return {day: n for day, n in by_day.items() if day >= OUTBREAK_DAY and n}


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
    """Every report of the outbreak as a line: counts exact, counties and clusters drawn, the
    published figures of ``cases_published`` kept."""
    rng = replay.rng("cases")
    city_days = [d for d in replay.city_days() if d.day >= OUTBREAK_DAY]
    reclass = allocate_reclassifications(city_days, reclassifications_by_day())
    lines = _report_lines(city_days, reclass, rng)
    _place(lines, rng)
    time_mornings(lines, mornings(city_days, reclass, replay.end))
    return lines


def _report_lines(city_days, reclass: dict[tuple, int], rng) -> list[Line]:
    """Each city's reports of a day in random order, and the earlier asymptomatic infections each
    day reclassifies (first reported, first reclassified)."""
    lines: list[Line] = []
    pending: dict[str, list[Line]] = defaultdict(list)
    for d in sorted(city_days, key=lambda d: (d.day, d.city_code)):
        moved = reclass.get((d.day, d.city_code), 0)
        for line in pending[d.city_code][:moved]:
            line.reclassified_on = d.day
        del pending[d.city_code][:moved]
        kinds = [Classification.ASYMPTOMATIC] * d.new_asymptomatic
        kinds += [Classification.CONFIRMED] * (d.new_confirmed - moved)
        rng.shuffle(kinds)
        for kind in kinds:
            line = Line(len(lines) + 1, d.day, d.city_code, "", kind, "")
            lines.append(line)
            if kind == Classification.ASYMPTOMATIC:
                pending[d.city_code].append(line)
    return lines


def _place(lines: list[Line], rng) -> None:
    """Each line's county (a published split, else its weights; Anxi's first three of 19 Sep)
    and cluster (the named chains only in their county)."""
    quotas = county_quotas(lines, rng)
    rank: Counter = Counter()
    for line in lines:
        i = rank[(line.day, line.city)]
        rank[(line.day, line.city)] += 1
        line.county = quotas.get(line.n) or _pick(rng, COUNTIES[line.city])
        if (line.city, line.day) == ("3505", ANXI[1]) and i < ANXI[2]:
            line.county = ANXI[0]
        line.cluster = _cluster(line, i == 0, rng)


def _cluster(line: Line, first_of_day: bool, rng) -> str:
    """From its city's mix for the phase; in Quanzhou and Zhangzhou a day's first case, and half
    the others, seeded from Putian or Xiamen; the named chains only in their own county."""
    cluster = _pick(rng, MIX.get((line.city, _phase(line.day)), ((HOUSEHOLD, 0.5),)))
    if line.city in ("3505", "3506"):
        cluster = IMPORTED_LINK if first_of_day or rng.random() < 0.5 else HOUSEHOLD
    if cluster in (SCHOOL, SHOE_FACTORY) and line.county != "350322":
        cluster = HOUSEHOLD
    if cluster in (FACTORY_A, FACTORY_B) and line.county != "350212":
        cluster = COMMUNITY
    return cluster


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
        line.day, datetime.time(rng.randint(*line.report_hours), rng.randint(0, 59)), TZ
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


def load(replay: Replay) -> dict:
    """Report the outbreak's cases at their historical times; returns the bulletin totals."""
    rng = replay.rng("cases")
    lines = plan_lines(replay)
    counties = sorted({c for options in COUNTIES.values() for c, _w in options} | {ANXI[0]})
    actor = demo_actors(counties)
    backdate = Backdate()
    seen = DomainEvent.objects.aggregate(last=Max("id"))["last"] or 0
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
        # entered when reported, as its events are recorded: a read as of a day sees that day's
        # cases (decision 0030), the builder of a scenario and a proposal's evidence among them
        Case.objects.filter(pk__in=[x.case_id for x in lines]).update(created_at=F("reported_at"))
        for line in sorted(lines, key=lambda x: x.reported):
            if line.reclassified_on:
                hour = rng.randint(*line.reclassified_hours)
                at = max(
                    datetime.datetime.combine(line.reclassified_on, datetime.time(hour), TZ),
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
                        reason=ReclassificationReason.SYMPTOMS_DEVELOPED,
                        at=at,
                        severity=_pick(rng, SEVERITY),
                        onset_date=line.onset_date,
                    )
        backdate.apply()
        recovered = _recover(lines, actor, rng, replay.end)
        recorded_when_they_happened(seen)  # every later step reads these as of their day
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
    """Close every case on the day ``cases_published.closing_times`` gives, unless after the
    replay's end.

    Written in bulk — the rows and the ``cases.outcome_recorded`` events ``do_record_outcome``
    would write, with its payload — as 471 more actions would double the step's time.
    """
    cases = Case.objects.in_bulk([line.case_id for line in lines])
    closed, events = [], []
    kind = ContentType.objects.get_for_model(Case)
    closing = closing_times(lines, rng, end)
    for line in sorted(lines, key=lambda x: x.reported):
        at = closing.get(line.n)
        if at is None or at.date() > end:
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
                **summary_fields(
                    message(
                        gettext_noop("%(case)s: %(outcome)s"),
                        {"case": case_name(case), "outcome": Outcome.RECOVERED.label},
                    )
                ),
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
