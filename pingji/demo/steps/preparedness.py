"""The replay's preparedness: surveillance, training and a drill in Ningde, in peacetime.

* Surveillance: a fever clinic (daily visits) in every county, reporting from 1 August to
  31 October 2021; synthetic counts around a county baseline, rising in the counties where the
  cases step put cases, from two days before their first case (fever clinics saw the first Xianyou
  cases: the index case was found at a fever clinic on 10 September). A province-wide rule
  (4 weeks' baseline, × 1.5, at least 10 visits more) is applied to every day from 1 September;
  the alerts it raises land as tasks of those counties.
* Peacetime of other diseases (decision 0041), synthetic: an influenza-like-illness sentinel
  site in every city reporting daily under a province-wide EARS C2 rule (evaluated with the fever
  clinics), and weekly larval surveys of twelve grids of 湖里区 (Xiamen) through the dengue
  season, two of them rising past the dengue rule pack's Breteau target in September — which
  issues their mosquito-control tasks — and falling below it after control, which closes them;
  a resident of each is reported a confirmed dengue case the day its grid turns high.
* Training: a course per city for each of epidemiologists, operators and commanders in June–August
  2021, attended by the demo accounts of its counties (Ningde's all passed; elsewhere some missed).
* A functional drill in 蕉城区 (Ningde) on 25 August 2021, with 福安市 as the receiving county,
  under the 8th edition (named, as a drill names the version it practises, and bound to both
  sandboxes when it starts, decision 0020): the scripted case is reported in the drill's
  sandbox, its investigation opened and its core facts recorded through the real actions; the
  scripted close contact living in 福安市's sandbox is added and dispatched for real, and
  福安市's operator acknowledges the dispatch and records the person controlled at a quarantine
  site of its sandbox, which places them — 26 hours after the dispatch, past the 24-hour
  deadline. Then the drill is finished (report kept), a finding raised with its improvement
  task, and both sandboxes removed with their binding — so no drill row mixes with the
  outbreak's.
"""

import datetime

from django.utils import timezone

from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.preparedness.actions.drills import (
    do_finish_drill,
    do_inject_case,
    do_inject_contact,
    do_plan_drill,
    do_record_finding,
    do_remove_drill_data,
    do_start_drill,
)
from pingji.preparedness.actions.surveillance import (
    do_evaluate_warnings,
    do_record_reports,
    do_save_site,
)
from pingji.preparedness.actions.training import do_record_attendance, do_record_course
from pingji.preparedness.actions.vectors import do_record_survey
from pingji.preparedness.choices import Signal, SiteKind, WarningMethod
from pingji.preparedness.models import Alert, Drill, WarningRule
from pingji.protocols.models import Protocol
from pingji.quarantine.actions.sites import do_create_site
from pingji.tracing.actions.dispatch_answers import (
    do_acknowledge_dispatch,
    do_record_dispatch_outcome,
)
from pingji.tracing.models import Dispatch, Investigation
from pingji.users.choices import Role
from pingji.users.models import User

START, END = datetime.date(2021, 8, 1), datetime.date(2021, 10, 31)
DRILL_COUNTY, DRILL_PARTNER = "350902", "350981"
DRILL_EDITION = "cn-8th-edition"
DRILL_AT = timezone.make_aware(datetime.datetime(2021, 8, 25, 9))
MINUTE = datetime.timedelta(minutes=1)


def _at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load(replay) -> dict:
    from pingji.cases.models import Case
    from pingji.demo.steps.cases import Backdate
    from pingji.demo.steps.command import actor

    rng = replay.rng("preparedness")
    province = Jurisdiction.objects.filter(level=Level.PROVINCE).order_by("code").first()
    if province is None:
        return {}
    boss = actor(province.code, "administrator")
    backdate = Backdate()
    first_case: dict[str, datetime.date] = {}  # county → the day of its first case
    for code, when in (
        Case.objects.filter(jurisdiction__drill=False)
        .order_by("reported_at")
        .values_list("jurisdiction_id", "reported_at")
    ):
        first_case.setdefault(code[:6], timezone.localtime(when).date())
    counties = list(Jurisdiction.objects.real().filter(level=Level.COUNTY).order_by("code"))
    last = min(END, replay.end)  # a replay cut short records nothing after its end
    days = (last - START).days + 1
    with backdate.at(_at(START, 8)):
        WarningRule.objects.get_or_create(
            jurisdiction=province,
            signal="fever_visits",
            defaults={"baseline_weeks": 4, "ratio": "1.50", "min_increase": 10},
        )
    _influenza(rng, boss, backdate, province, days, last)
    for county in counties:
        site = do_save_site(
            {
                "jurisdiction": county,
                "name": f"{county.name}人民医院发热门诊",
                "kind": SiteKind.FEVER_CLINIC,
                "signal": "fever_visits",
            },
            actor=boss,
        )
        base = 8 + rng.randint(0, 20)
        rise = first_case.get(county.code)
        rows = []
        for i in range(days):
            day = START + datetime.timedelta(days=i)
            value = base + rng.randint(-3, 3)
            if rise and day >= rise - datetime.timedelta(days=2):
                value += min(60, 6 * ((day - rise).days + 3))
            rows.append((day, max(0, value)))
        with backdate.at(_at(last, 20)):
            do_record_reports(site, rows, actor=boss, source="upload")
    alerts = 0
    day = datetime.date(2021, 9, 1)
    while day <= min(datetime.date(2021, 9, 30), last):
        with backdate.at(_at(day, 20)):
            alerts += len(do_evaluate_warnings(day, actor=boss, code=province.code))
        day += datetime.timedelta(days=1)
    surveys = _dengue(rng, boss, backdate, last)
    courses, attended = _training(rng, boss, backdate)
    drill = _drill(boss, backdate)
    backdate.apply()
    return {
        "sites": len(counties),
        "alerts": alerts,
        "alert_counties": sorted(set(Alert.objects.values_list("jurisdiction_id", flat=True))),
        "vector_surveys": surveys,
        "courses": courses,
        "attended": attended,
        "drill": {"score": drill.score, "status": str(drill.status)} if drill else None,
    }


def _influenza(rng, boss, backdate, province, days: int, last: datetime.date) -> None:
    """A sentinel site per city counting influenza-like illness visits, under one EARS C2 rule."""
    with backdate.at(_at(START, 8)):
        WarningRule.objects.get_or_create(
            jurisdiction=province,
            signal=Signal.ILI_VISITS,
            defaults={"method": WarningMethod.EARS_C2, "min_increase": 15},
        )
    for city in Jurisdiction.objects.real().filter(level=Level.CITY).order_by("code"):
        county = Jurisdiction.objects.real().filter(parent=city).order_by("code").first()
        if county is None:
            continue
        site = do_save_site(
            {
                "jurisdiction": county,
                "name": f"{city.name}流感样病例监测哨点医院",
                "kind": SiteKind.SENTINEL,
                "signal": Signal.ILI_VISITS,
            },
            actor=boss,
        )
        base = 30 + rng.randint(0, 30)
        rows = [
            (START + datetime.timedelta(days=i), base + rng.randint(-6, 6)) for i in range(days)
        ]
        with backdate.at(_at(last, 20)):
            do_record_reports(site, rows, actor=boss, source="upload")


#: 湖里区 (Xiamen): twelve grids surveyed every Monday; the first two breed mosquitoes in
#: September (Breteau index up to 24) until control brings them back under the target of 5.
DENGUE_COUNTY, DENGUE_GRIDS = "350206", 12
DENGUE_HOT = {0: (36, 49), 1: (43, 56)}  # grid → (first, last) day of the season it is high


def _dengue(rng, boss, backdate, until: datetime.date) -> int:
    grids = list(
        Jurisdiction.objects.real()
        .filter(level=Level.GRID, code__startswith=DENGUE_COUNTY)
        .order_by("code")[:DENGUE_GRIDS]
    )
    made = 0
    for week in range(13):
        day = datetime.date(2021, 8, 2) + datetime.timedelta(weeks=week)
        if day > until:
            break
        for n, grid in enumerate(grids):
            first, last = DENGUE_HOT.get(n, (0, -1))
            hot = first <= (day - START).days <= last
            positive = rng.randint(8, 14) if hot else rng.randint(0, 2)
            with backdate.at(_at(day, 16)):
                containers = positive + (rng.randint(0, positive) if hot else 0)
                do_record_survey(grid, day, 100, positive, containers, actor=boss, source="upload")
            if hot and (day - START).days - first < 7:
                _dengue_case(grid, day, boss, backdate)
            made += 1
    return made


def _dengue_case(grid, day: datetime.date, boss, backdate) -> None:
    """A resident of the grid with dengue fever, found at a fever clinic (a confirmed case)."""
    from pingji.cases.actions.reports import do_report_case
    from pingji.people.models import Person

    person = Person.objects.filter(jurisdiction=grid).order_by("pk").first()
    if person is None:
        return
    with backdate.at(_at(day, 11)):
        do_report_case(
            actor=boss,
            person=person,
            disease="dengue",
            classification="confirmed",
            severity="mild",
            channel="fever_clinic",
            onset_date=day - datetime.timedelta(days=2),
            sampled_at=_at(day - datetime.timedelta(days=1), 10),
            reported_at=_at(day, 11),
        )


def _training(rng, boss, backdate):
    courses = attended = 0
    for city in Jurisdiction.objects.real().filter(level=Level.CITY).order_by("code"):
        for n, role in enumerate((Role.EPIDEMIOLOGIST, Role.OPERATOR, Role.COMMANDER)):
            held = datetime.date(2021, 6, 15) + datetime.timedelta(days=20 * n + rng.randint(0, 9))
            with backdate.at(_at(held)):
                course = do_record_course(
                    {
                        "jurisdiction": city,
                        "title": f"{city.name}{Role(role).label}应急处置培训",
                        "role": role,
                        "held_on": held,
                        "hours": 4,
                    },
                    actor=boss,
                )
                courses += 1
                users = [
                    u
                    for u in User.objects.filter(
                        role=role, jurisdiction__code__startswith=city.code
                    )
                    if city.code == "3509" or rng.random() < 0.6
                ]
                if users:
                    do_record_attendance(course, users=users, actor=boss)
                    attended += len(users)
    return courses, attended


def _drill(boss, backdate) -> Drill | None:
    county = Jurisdiction.objects.filter(code=DRILL_COUNTY).first()
    if county is None:
        return None
    with backdate.at(DRILL_AT - datetime.timedelta(days=10)):
        drill = do_plan_drill(
            {
                "jurisdiction": county,
                "title": "蕉城区新冠肺炎疫情应急处置功能演练",
                "kind": "functional",
                "scenario": (
                    "外地返乡人员发热门诊就诊，核酸阳性，报告确诊病例；"
                    "启动流调、协查、隔离和风险区划定。"
                ),
                "participants": "区疫情防控指挥部、区疾控中心、区卫健局、各街道；福安市协查组",
                "planned_for": DRILL_AT,
                "partner": Jurisdiction.objects.filter(code=DRILL_PARTNER).first(),
                "protocol": Protocol.objects.filter(
                    jurisdiction_code="", code=DRILL_EDITION
                ).first(),
            },
            actor=boss,
        )
    from pingji.demo.steps.command import actor
    from pingji.tracing.actions.investigations import do_complete_core, do_open_investigation

    with backdate.at(DRILL_AT):
        do_start_drill(drill, actor=boss, at=DRILL_AT)
        case = do_inject_case(drill, actor=boss, at=DRILL_AT + 10 * MINUTE)
    with backdate.at(DRILL_AT + 35 * MINUTE):
        investigation = do_open_investigation(case, actor=boss)
    with backdate.at(DRILL_AT + 230 * MINUTE):
        do_complete_core(investigation, actor=boss, summary="演练：核心信息")
    Investigation.objects.filter(pk=investigation.pk).update(
        opened_at=DRILL_AT + 35 * MINUTE, core_done_at=DRILL_AT + 230 * MINUTE
    )
    if drill.partner_id:
        _dispatch(drill, boss, actor(DRILL_PARTNER, Role.OPERATOR), backdate)
    with backdate.at(DRILL_AT + 32 * 60 * MINUTE):
        do_finish_drill(drill, actor=boss, at=DRILL_AT + 32 * 60 * MINUTE)
        do_record_finding(
            drill,
            text="协查推送后 26 小时才完成人员管控，超过 24 小时时限",
            deadline=DRILL_AT + 30 * 24 * 60 * MINUTE,
            actor=boss,
        )
        do_remove_drill_data(drill, actor=boss)
    return drill


def _dispatch(drill: Drill, boss, receiver, backdate) -> None:
    """The scripted contact dispatched 5 h in; 福安市 acknowledges at 6 h, opens a quarantine
    site in its sandbox and records the contact controlled there at 31 h (which places them)."""
    sent = DRILL_AT + 5 * 60 * MINUTE
    with backdate.at(sent):
        do_inject_contact(drill, actor=boss)
    dispatch = Dispatch.objects.get(sender__code__startswith=drill.sandbox_code)
    if dispatch.due_at is None:  # the province's protocol gives every dispatch its deadline
        raise RuntimeError(f"{dispatch} was sent without a deadline")
    Dispatch.objects.filter(pk=dispatch.pk).update(
        sent_at=sent, due_at=sent + (dispatch.due_at - dispatch.sent_at)
    )
    with backdate.at(DRILL_AT + 6 * 60 * MINUTE):
        do_acknowledge_dispatch(dispatch, actor=receiver, at=DRILL_AT + 6 * 60 * MINUTE)
    with backdate.at(DRILL_AT + 30 * 60 * MINUTE):
        site = do_create_site(
            actor=receiver,
            name="福安市演练集中隔离点",
            kind="hotel",
            jurisdiction=Jurisdiction.objects.get(code=drill.partner_sandbox_code),
            rooms=10,
        )
    with backdate.at(DRILL_AT + 31 * 60 * MINUTE):
        do_record_dispatch_outcome(
            dispatch,
            actor=receiver,
            outcome="controlled",
            control={"site": site.pk},
            at=DRILL_AT + 31 * 60 * MINUTE,
        )
