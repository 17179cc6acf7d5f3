"""The replay's establishments: a registry across the province; Xianyou's schools and shoe
factories closed in September 2021, surveyed, and reopened step by step in October as the risk
areas lift.

What is synthetic (no published list of Xianyou's establishments or their reopening dates was
found): the registry (counts scale with the demo, about 20 per county at the default 0.001, kinds
and sectors drawn from ``replay.rng("reopening")``); in Xianyou the schools are the synthetic
tree's school places and the shoe factories its enterprise places. The timeline follows the
outbreak: Putian's schools and kindergartens stop in-person classes on 12 September (two days
after the first case, in the Fengting primary-school chain), Xianyou's factories, shops and venues
close on 13 September; the county surveys them from 14 September (answers due on the 16th, about
one in ten left unanswered); the five largest factories get a plan and the county's liaison, and
raise problems (workers stuck in controlled areas, goods, permits) that become county tasks. From
1 October each closed establishment, once its own "ready" day has come (factories and shops from
1 October, schools from 8 October, a few never), applies with the protocol's checklist, is
inspected and approved — unless the areas demo still has a sealed or controlled area over it
(``areas.lookup.controls_at``), in which case it waits. Putian sets targets (synthetic): enterprises
95 % working by 15 October, schools 100 % by 25 October.
"""

import datetime

from django.db import transaction

from pingji.demo.replay import Replay
from pingji.demo.steps.cases import SCHOOL, SHOE_FACTORY, TZ, Backdate
from pingji.geo.choices import Level, PlaceKind
from pingji.geo.models import Jurisdiction, Place
from pingji.reopening import controls
from pingji.reopening.actions.liaison import do_raise_problem, do_save_plan
from pingji.reopening.actions.registry import do_close_establishment
from pingji.reopening.actions.resumption import checklist_for, do_apply, do_decide, do_inspect
from pingji.reopening.actions.surveys import do_answer_survey, do_open_survey
from pingji.reopening.choices import SCHOOL_KINDS, Kind, OperatingState, Sector, Size, Status
from pingji.reopening.credit import ALPHABET, check_character
from pingji.reopening.models import Alert, Establishment, Member, Target
from pingji.users.models import User

XIANYOU, PUTIAN = "350322", "3503"
PER_COUNTY = 20_000  # establishments per county per unit of scale (20 at 0.001)
KINDS = (
    (Kind.ENTERPRISE, 45),
    (Kind.SHOP, 30),
    (Kind.MARKET, 3),
    (Kind.SCHOOL, 12),
    (Kind.KINDERGARTEN, 6),
    (Kind.VENUE, 4),
)
SECTORS = {
    Kind.ENTERPRISE: (
        Sector.MANUFACTURING,
        Sector.CONSTRUCTION,
        Sector.LOGISTICS,
        Sector.AGRICULTURE,
    ),
    Kind.SHOP: (Sector.RETAIL, Sector.CATERING, Sector.SERVICES),
    Kind.MARKET: (Sector.RETAIL,),
    Kind.SCHOOL: (Sector.EDUCATION,),
    Kind.KINDERGARTEN: (Sector.EDUCATION,),
    Kind.VENUE: (Sector.SERVICES, Sector.CATERING),
}
NAMES = {
    Kind.ENTERPRISE: "有限公司",
    Kind.SHOP: "商行",
    Kind.MARKET: "农贸市场",
    Kind.SCHOOL: "小学",
    Kind.KINDERGARTEN: "幼儿园",
    Kind.VENUE: "文体中心",
}
SCHOOLS_CLOSE = datetime.datetime(2021, 9, 12, 8, tzinfo=TZ)
OTHERS_CLOSE = datetime.datetime(2021, 9, 13, 8, tzinfo=TZ)
SURVEY_OPENS = datetime.datetime(2021, 9, 14, 10, tzinfo=TZ)
READY_FROM = {"school": datetime.date(2021, 10, 8), "other": datetime.date(2021, 10, 1)}


def _pick(rng, weighted):
    return rng.choices([k for k, _w in weighted], [w for _k, w in weighted])[0]


def _credit(rng, county: str) -> str:
    first = "91" + county[:6].ljust(6, "0") + "MA" + "".join(rng.choices(ALPHABET, k=7))
    return first + check_character(first)


def _registry(rng, scale: float) -> list[Establishment]:
    """Establishments across every county (Xianyou's come from its places instead)."""
    per = max(2, round(PER_COUNTY * scale))
    grids: dict[str, list[str]] = {}
    for code in Jurisdiction.objects.real().filter(level=Level.GRID).values_list("code", flat=True):
        grids.setdefault(code[:6], []).append(code)
    rows = []
    counties = Jurisdiction.objects.real().filter(level=Level.COUNTY).exclude(code=XIANYOU)
    for county in counties.order_by("code").values_list("code", flat=True):
        for i in range(per):
            kind = _pick(rng, KINDS)
            rows.append(
                Establishment(
                    kind=kind,
                    name=f"{county}{NAMES[kind]}{i + 1:03d}",
                    credit_code=_credit(rng, county) if kind == Kind.ENTERPRISE else None,
                    sector=rng.choice(SECTORS[kind]),
                    size=rng.choice(Size.values) if kind == Kind.ENTERPRISE else "",
                    workforce=rng.randint(5, 400),
                    pupils=rng.randint(200, 1500) if kind in SCHOOL_KINDS else 0,
                    grades="1-6" if kind == Kind.SCHOOL else "",
                    jurisdiction_id=rng.choice(grids.get(county) or [county]),
                )
            )
    return rows


def _xianyou(rng) -> list[Establishment]:
    rows = []
    places = Place.objects.filter(
        jurisdiction__code__startswith=XIANYOU, kind__in=[PlaceKind.SCHOOL, PlaceKind.ENTERPRISE]
    )
    for place in places.order_by("id")[:200]:
        school = place.kind == PlaceKind.SCHOOL
        rows.append(
            Establishment(
                kind=Kind.SCHOOL if school else Kind.ENTERPRISE,
                name=place.name if school else f"{place.name}鞋业有限公司",
                credit_code=None if school else _credit(rng, XIANYOU),
                sector=Sector.EDUCATION if school else Sector.MANUFACTURING,
                size="" if school else rng.choice([Size.SMALL, Size.MEDIUM, Size.MICRO]),
                workforce=rng.randint(30, 120) if school else rng.randint(40, 900),
                pupils=rng.randint(300, 1800) if school else 0,
                grades="1-6" if school else "",
                place=place,
                address=place.address,
                jurisdiction_id=place.jurisdiction_id,
            )
        )
    return rows


def _link_cases(replay, by_place) -> int:
    """The school chain's cases become pupils, the factory chain's staff; alerts as they came."""
    alerts = 0
    for line in getattr(replay, "lines", []):
        est = by_place.get(line.place_id)
        if est is None or line.cluster not in (SCHOOL, SHOE_FACTORY) or not line.person_id:
            continue
        role = "pupil" if line.cluster == SCHOOL and est.is_school else "staff"
        Member.objects.get_or_create(
            establishment=est, person_id=line.person_id, defaults={"role": role}
        )
        closes = SCHOOLS_CLOSE if est.is_school else OTHERS_CLOSE
        if line.case_id and line.reported_at and line.reported_at < closes:
            Alert.objects.get_or_create(
                establishment=est,
                case_id=line.case_id,
                defaults={
                    "role": role,
                    "raised_at": line.reported_at,
                    "status": "paused",
                    "decided_at": closes,
                },
            )
            alerts += 1
    return alerts


def load(replay: Replay) -> dict:
    rng = replay.rng("reopening")
    backdate = Backdate()
    operator = User.objects.filter(username=f"{XIANYOU}-operator").first()
    liaison = User.objects.filter(username=f"{XIANYOU}-liaison").first()
    city = User.objects.filter(username="350300-commander").first()
    if operator is None:
        return {"skipped": "no 350322-operator account"}
    with transaction.atomic():
        Establishment.objects.bulk_create(
            _registry(rng, replay.scale) + _xianyou(rng), batch_size=2000
        )
        xianyou = list(Establishment.objects.filter(jurisdiction__code__startswith=XIANYOU))
        alerts = _link_cases(replay, {e.place_id: e for e in xianyou if e.place_id})
        closing = [
            e
            for e in Establishment.objects.filter(
                jurisdiction__code__startswith=PUTIAN, kind__in=SCHOOL_KINDS
            )
        ] + [e for e in xianyou if not e.is_school]
        for est in closing:
            when = SCHOOLS_CLOSE if est.is_school else OTHERS_CLOSE
            with backdate.at(when):
                do_close_establishment(
                    est,
                    actor=city or operator,
                    at=when,
                    reason="停课（线下教学暂停）" if est.is_school else "停工停业",
                )
        answered = _survey(rng, operator, xianyou, backdate)
        problems = _plans(rng, operator, liaison, xianyou, backdate)
        for kind, percent, by in (
            (Kind.ENTERPRISE, 95, datetime.date(2021, 10, 15)),
            (Kind.SCHOOL, 100, datetime.date(2021, 10, 25)),
        ):
            Target.objects.get_or_create(
                jurisdiction_id=PUTIAN, kind=kind, by=by, defaults={"percent": percent}
            )
        resumed, waited = _reopen(rng, operator, [e.pk for e in closing], replay.end, backdate)
        backdate.apply()
    return {
        "establishments": Establishment.objects.count(),
        "closed_in_september": len(closing),
        "survey_answers": answered,
        "alerts": alerts,
        "problems": problems,
        "resumed_in_october": resumed,
        "days_waited_for_areas": waited,
        "still_closed": Establishment.objects.filter(pk__in=[e.pk for e in closing])
        .exclude(status=Status.RESUMED)
        .count(),
    }


def _survey(rng, operator, xianyou, backdate) -> int:
    due = SURVEY_OPENS + datetime.timedelta(days=2, hours=8)
    with backdate.at(SURVEY_OPENS):
        survey = do_open_survey(
            actor=operator,
            title="仙游县复工复产主动摸排",
            jurisdiction=Jurisdiction.objects.get(code=XIANYOU),
            due_at=due,
            at=SURVEY_OPENS,
        )
    answered = 0
    for est in xianyou:
        if rng.random() < 0.1:
            continue  # left unanswered: the survey lists them
        when = SURVEY_OPENS + datetime.timedelta(hours=rng.randint(1, 56))
        factory = not est.is_school
        with backdate.at(when):
            do_answer_survey(
                survey,
                est,
                actor=operator,
                at=when,
                state=OperatingState.CLOSED,
                staff_in_controlled_areas=rng.randint(0, est.workforce // 10) if factory else 0,
                staff_in_quarantine=rng.randint(0, 5),
                supply_problem="鞋材原料运输受阻" if factory and rng.random() < 0.3 else "",
                permit_problem="通行证办理" if factory and rng.random() < 0.15 else "",
            )
        answered += 1
    return answered


def _plans(rng, operator, liaison, xianyou, backdate) -> int:
    factories = sorted((e for e in xianyou if not e.is_school), key=lambda e: -e.workforce)[:5]
    raised = 0
    for i, est in enumerate(factories):
        when = SURVEY_OPENS + datetime.timedelta(days=1, hours=i)
        with backdate.at(when):
            do_save_plan(
                est,
                actor=operator,
                liaison=liaison,
                measures="专班驻企；员工分批核酸检测后返岗；原料运输办理通行证；闭环管理",
            )
        if liaison is None:
            continue
        category, department, text = [
            ("workers", "hr", "部分员工滞留管控区，无法返岗"),
            ("goods", "transport", "鞋材原料滞留物流园，需通行证"),
            ("permits", "market", "复工备案材料待审"),
        ][i % 3]
        with backdate.at(when):
            problem = do_raise_problem(
                est,
                actor=liaison,
                category=category,
                department=department,
                description=text,
                deadline=when + datetime.timedelta(days=3),
                at=when,
            )
        raised += 1
        if i % 3 != 2:  # two in three solved in time; the third is left to escalate
            from pingji.tasks.actions.rule_tasks import do_close_rule_tasks

            with backdate.at(when + datetime.timedelta(days=2)):
                do_close_rule_tasks(problem, actor=operator, note="已协调解决")
    return raised


def _reopen(rng, operator, pks, end: datetime.date, backdate) -> tuple[int, int]:
    """Each day of October, every establishment whose day has come and no area blocks resumes."""
    ready = {}
    for est in Establishment.objects.filter(pk__in=pks):
        if rng.random() < 0.03:
            continue  # never ready in the replay: the gap to the target shows it
        start = READY_FROM["school" if est.is_school else "other"]
        ready[est.pk] = start + datetime.timedelta(days=rng.randint(0, 14))
    resumed = waited = 0
    operators: dict[str, User] = {}

    def actor_for(est) -> User:
        county = est.jurisdiction_id[:6]
        if county not in operators:
            found = User.objects.filter(username=f"{county}-operator").first()
            operators[county] = found or operator
        return operators[county]

    day = READY_FROM["other"]
    while day <= end:
        morning = datetime.datetime.combine(day, datetime.time(9), TZ)
        for est in Establishment.objects.filter(
            pk__in=[p for p, d in ready.items() if d <= day], status=Status.CLOSED
        ):
            if controls.blocking_controls(est, morning):
                waited += 1
                continue
            items, _code, _clause = checklist_for(est, morning)
            with backdate.at(morning):
                app = do_apply(
                    est, actor=actor_for(est), at=morning, checklist={i.key: True for i in items}
                )
            afternoon = morning + datetime.timedelta(hours=5)
            with backdate.at(afternoon):
                do_inspect(app, actor=actor_for(est), passed=True, at=afternoon)
            decided = afternoon + datetime.timedelta(hours=1)
            with backdate.at(decided):
                do_decide(app, actor=actor_for(est), approve=True, at=decided)
            del ready[est.pk]
            resumed += 1
        day += datetime.timedelta(days=1)
    return resumed, waited
