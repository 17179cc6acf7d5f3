"""Demo step: what the 26 September 2021 headquarters meeting decided, carried out as tasks.

After the ``command`` step recorded the meeting: two directives to every city, the national
work group's problem list for Putian and Xiamen with its rectification (some items closed
(对账销号), one sent back once, some still open), the National Day holiday prevention plans of
each city (one city never submits), and the outbreak's review (总结反思), whose timeline reads the
domain events the earlier steps wrote. Everything happens at its historical time.
"""

import datetime

from django.db.models import F
from django.utils import timezone

from pingji.demo.steps.command import actor, province, the_meeting
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.directives import do_issue_directive
from pingji.tasks.actions.plans import do_create_plan_template, do_save_plan, do_submit_plan
from pingji.tasks.actions.problems import ItemRow, do_create_problem_list
from pingji.tasks.actions.reviews import do_add_improvement, do_create_review
from pingji.tasks.actions.work import do_return_task, do_submit_evidence, do_verify_task
from pingji.tasks.models import Directive
from pingji.tasks.reviews import timeline
from pingji.users.choices import Role


def at(month: int, day: int, hour: int = 18, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, month, day, hour, minute))


ISSUED_AT = at(9, 26, 21, 30)
#: The last deadline of the meeting's decisions: the demo writes them when its record reaches it.
FOLLOWED_UP_BY = at(10, 8)
#: The review of the outbreak opens on its last evening.
REVIEW_AT = at(10, 31, 20)
DIRECTIVES = (
    (
        "闽疫指〔2021〕68号",
        "严格落实国庆假期疫情防控各项措施",
        "各设区市要严格落实“外防输入、内防反弹”，加强车站、码头、机场落地检，"
        "从中高风险地区来（返）闽人员一律落实健康管理措施。",
        at(9, 30),
    ),
    (
        "闽疫指〔2021〕69号",
        "压实四方责任，落实重点场所常态化防控",
        "压实属地、部门、单位、个人四方责任；学校、医疗机构、养老机构、商超等重点场所"
        "落实测温、扫码、戴口罩等措施，并报送落实情况。",
        at(10, 8),
    ),
)
#: (city, county or "", problem, measures, deadline, outcome) — outcome: closed, returned
#: (sent back once, then closed), submitted (awaiting verification) or open (overdue).
PROBLEMS = (
    ("3503", "350322", "部分集中隔离点设置不规范，存在交叉感染风险",
     "对全县集中隔离点逐一评估，不达标的立即停用整改", at(10, 3), "closed"),
    ("3503", "", "流调溯源与社区管控衔接不够紧密",
     "建立流调、管控、转运闭环机制，信息日清日结", at(10, 5), "returned"),
    ("3503", "350322", "学校、工厂等重点场所防控措施落实不到位",
     "全面排查学校、企业防控措施，落实专人负责", at(10, 8), "open"),
    ("3502", "350212", "核酸检测采样点布局不合理，现场人员聚集",
     "优化采样点布局，实行分时段预约采样", at(10, 3), "closed"),
    ("3502", "", "隔离酒店工作人员闭环管理不严",
     "隔离点工作人员实行闭环管理和定期核酸检测", at(10, 5), "submitted"),
    ("3502", "350212", "重点人员健康监测存在漏项",
     "逐户核查重点人员，建立健康监测台账", at(10, 8), "open"),
)  # fmt: skip
#: (key, title, required, guidance) of the National Day plan template's sections.
PLAN_SECTIONS = [
    {"key": k, "title": t, "required": r, "guidance": g}
    for k, t, r, g in (
        ("situation", "形势研判", True, "假期人员流动与输入风险"),
        ("organisation", "组织领导", True, "指挥体系与责任分工"),
        ("measures", "防控措施", True, "落地检、重点场所、聚集活动"),
        ("response", "应急处置", True, "发现病例后的处置流程"),
        ("support", "保障措施", False, "物资、检测能力、人员"),
    )
]
#: The city whose plan never comes in (南平; else the last city): the gap the view must show.
MISSING_CITY = "3507"


def _county(city: str, preferred: str) -> Jurisdiction:
    """The named county if the tree has it, else the city's first county (the test tree)."""
    found = Jurisdiction.objects.defer("boundary").filter(code=preferred).first()
    if found is None:
        found = (
            Jurisdiction.objects.defer("boundary")
            .filter(parent_id=city, level=Level.COUNTY)
            .order_by("code")
            .first()
        )
    if found is None:  # every city of a demo tree has counties
        raise RuntimeError(f"no county in {city}: load the divisions first")
    return found


def _cities() -> list[Jurisdiction]:
    return list(
        Jurisdiction.objects.defer("boundary")
        .filter(level=Level.CITY, parent=province())
        .order_by("code")
    )


def _receivers() -> list[Jurisdiction]:
    """Every city, and each county that reports as its own unit (平潭, decision 0002)."""
    own = Jurisdiction.objects.defer("boundary").filter(
        level=Level.COUNTY, reporting_unit_id=F("code")
    )
    return _cities() + list(own.order_by("code"))


def _directives(boss, cities, rng) -> dict:
    meeting = the_meeting()
    verified = 0
    for number, title, text, deadline in DIRECTIVES:
        directive = do_issue_directive(
            actor=boss,
            number=number,
            title=title,
            text=text,
            receivers=cities,
            deadline=deadline,
            meeting=meeting,
            now=ISSUED_AT,
        )
        for task in directive.tasks().select_related("jurisdiction").order_by("jurisdiction_id"):
            if rng.random() < 0.15:
                continue  # this city never reported back: overdue on the supervision view
            window = (deadline - ISSUED_AT).total_seconds()
            done_at = ISSUED_AT + datetime.timedelta(seconds=window * rng.uniform(0.3, 0.95))
            city_op = actor(task.jurisdiction_id, Role.OPERATOR)
            do_submit_evidence(
                task,
                actor=city_op,
                evidence=f"{task.jurisdiction.name}已印发通知并部署落实。",
                now=done_at,
            )
            do_verify_task(task, actor=boss, now=done_at + datetime.timedelta(hours=12))
            verified += 1
    return {"directives": len(DIRECTIVES), "directive_tasks_verified": verified}


def _problems(boss) -> dict:
    items, outcomes = [], []
    for n, (city, county, problem, measures, deadline, outcome) in enumerate(PROBLEMS, start=2):
        owner = _county(city, county) if county else Jurisdiction.objects.get(code=city)
        items.append(ItemRow(n, owner, problem, measures, deadline))
        outcomes.append(outcome)
    plist = do_create_problem_list(
        actor=boss,
        title="国务院联防联控机制工作组反馈问题清单（莆田、厦门）",
        inspection="国务院联防联控机制工作组",
        inspected_on=datetime.date(2021, 9, 25),
        items=items,
        now=ISSUED_AT,
    )
    for item, outcome in zip(plist.items.order_by("number"), outcomes, strict=True):
        if outcome == "open":
            continue
        task, worker = item.task, actor(item.jurisdiction_id, Role.OPERATOR)
        first = item.deadline - datetime.timedelta(days=1, hours=3)
        do_submit_evidence(task, actor=worker, evidence=f"已整改：{item.measures}", now=first)
        if outcome == "returned":
            do_return_task(
                task,
                actor=boss,
                note="缺少闭环机制的文件和运行记录，请补充。",
                now=first + datetime.timedelta(hours=6),
            )
            do_submit_evidence(
                task,
                actor=worker,
                evidence="已补充闭环机制文件及9月28日以来运行记录。",
                now=first + datetime.timedelta(hours=20),
            )
        if outcome != "submitted":
            do_verify_task(task, actor=boss, note="对账销号", now=item.deadline)
    return {"problem_items": len(items), "problems_open": outcomes.count("open")}


def _plans(boss, cities, rng) -> dict:
    template = do_create_plan_template(
        actor=boss,
        title="国庆假期疫情防控工作方案",
        description="各设区市于9月29日18时前报送，措施逐项明确责任单位和完成时限。",
        level=Level.CITY,
        sections=PLAN_SECTIONS,
        due=at(9, 29),
        now=ISSUED_AT,
    )
    missing = MISSING_CITY if any(c.code == MISSING_CITY for c in cities) else cities[-1].code
    submitted = 0
    for city in cities:
        if city.code == missing:
            continue
        written = ISSUED_AT + datetime.timedelta(hours=rng.uniform(14, 60))
        county = _county(city.code, "")
        writer = actor(city.code, Role.OPERATOR)
        plan = do_save_plan(
            template,
            actor=writer,
            jurisdiction=city,
            sections={
                "situation": f"国庆假期{city.name}人员流动量大，存在疫情输入和扩散风险。",
                "organisation": f"{city.name}疫情防控指挥部统筹，各县（市、区）落实属地责任。",
                "measures": "车站码头落地检；重点场所测温扫码；严控聚集性活动。",
                "response": "发现阳性立即启动应急响应，2小时内完成初步流调。",
            },
            measures=[
                {"title": "车站、码头、机场落地检", "owner": county.code, "deadline": at(10, 1)},
                {"title": "重点场所防控措施督查", "owner": city.code, "deadline": at(10, 7)},
            ],
            now=written,
        )
        do_submit_plan(plan, actor=writer, now=written + datetime.timedelta(minutes=30))
        submitted += 1
    return {"plans_asked": len(cities), "plans_submitted": submitted, "plan_missing": missing}


def _review(boss, replay) -> dict:
    place = province()
    opened = REVIEW_AT
    review = do_create_review(
        actor=boss,
        jurisdiction=place,
        title="福建“9·10”疫情处置总结反思",
        period_start=replay.start,
        period_end=replay.end,
        worked="扁平化指挥、指令直达基层；全员核酸检测和流调溯源快速展开；跨市协查及时。",
        gaps="学校、工厂等重点场所早期发现能力不足；隔离点设置和管理不规范；部分地区核酸采样组织不力。",
        now=opened,
    )
    owners = [c for c in _cities() if c.code in ("3503", "3502")] or _cities()[:2]
    improvements = [
        ("完善学校晨午检和因病缺课追踪制度", owners[0]),
        ("规范集中隔离点设置与闭环管理", owners[-1]),
    ]
    for title, owner in improvements:
        do_add_improvement(
            review, actor=boss, title=title, owner=owner, deadline=at(11, 30), now=opened
        )
    days = timeline(review)
    return {
        "review_days": len(days),
        "review_events": sum(sum(d.counts.values()) for d in days),
        "improvements": len(improvements),
    }


def load(replay) -> dict:
    """Issue and carry out the meeting's decisions, then open the review (skipped if a
    directive already exists). A record that stops before the decisions' last deadline
    (``FOLLOWED_UP_BY``) leaves them out whole, and one that stops before the review its review:
    the demo writes no half of a follow-up whose other half has not happened."""
    if Directive.objects.filter(number=DIRECTIVES[0][0]).exists():
        return {"directives": 0}
    if not replay.happened(FOLLOWED_UP_BY):
        return {"directives": 0}
    rng = replay.rng("tasks")
    place = province()
    boss = actor(place.code, Role.COMMANDER)
    cities = _cities()
    summary = {}
    summary.update(_directives(boss, _receivers(), rng))
    summary.update(_problems(boss))
    summary.update(_plans(boss, cities, rng))
    if replay.happened(REVIEW_AT):
        summary.update(_review(boss, replay))
    return summary
