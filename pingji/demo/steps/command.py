"""Demo step: the response modes of the outbreak's cities and counties, and the provincial
headquarters meeting of 26 September 2021.

**Modes (平急转换).** Each city with a local COVID-19 case switches to emergency mode when its
first case is reported, decided by its commander, and its counties follow by inheritance. It goes
back to peacetime once its risk areas are all lifted and its cases have all left hospital; a
county that gets there before its city switches back on its own day. The moments and reasons come
from the replay's own cases and risk areas; the response level (III, major) is the demo's choice,
not a published one.

**The meeting.**
On 26 September 2021 the Fujian provincial epidemic prevention and control headquarters met on the
Putian/Xiamen outbreak: carry out every item of the national work group's problem list
(按照问题清单不折不扣抓好整改落实), press home the responsibility of each level (压实主体责任、
属地责任), make a holiday prevention plan for every city before National Day, and draw lessons
(总结反思). This step records the meeting; the ``tasks`` step issues what it decided.
"""

import datetime
from collections import defaultdict

from django.utils import timezone

from pingji.areas.choices import AreaStatus
from pingji.areas.models import RiskArea
from pingji.cases.models import Case
from pingji.command.actions.meetings import do_record_meeting
from pingji.command.actions.modes import do_switch_mode
from pingji.command.choices import HeadquartersLevel, Mode, ResponseLevel
from pingji.command.models import Meeting, ModeSwitch
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction
from pingji.protocols.diseases import COVID_19
from pingji.users.choices import Role
from pingji.users.models import User

EMERGENCY_REASON = "报告首例本土病例，启动突发公共卫生事件应急响应。"
PEACETIME_REASON = "辖区内风险区全部解除、病例全部出院，终止应急响应，转入常态化防控。"
#: 26 September 2021, 20:00 Beijing time: the provincial headquarters' meeting.
MEETING_AT = datetime.datetime(2021, 9, 26, 20, 0)
MEETING_TITLE = "省疫情防控指挥部会议（2021年9月26日）"
ATTENDEES = """省委书记（省疫情防控领导小组组长）
省长（省疫情防控指挥部总指挥）
省卫生健康委
省疾控中心
省公安厅
省交通运输厅
省教育厅
省商务厅
各设区市、平潭综合实验区指挥部（视频）"""
MINUTES = """一、按照国务院联防联控机制工作组反馈的问题清单，不折不扣抓好整改落实，逐项对账销号。
二、压实主体责任、属地责任，各级指挥部实行扁平化运行，指令直达基层。
三、各设区市于9月29日前制定并报送国庆假期疫情防控工作方案。
四、莆田、厦门继续抓好流调溯源、隔离管控和全员核酸检测，严防外溢。
五、疫情处置结束后及时开展总结反思，补齐短板。"""


def actor(code: str, role: str) -> User:
    """The demo account of a role at a jurisdiction (``350000-commander``); made if missing."""
    place = Jurisdiction.objects.defer("boundary").get(code=code)
    user, _created = User.objects.get_or_create(
        username=f"{place.gb_code}-{role}", defaults={"role": role, "jurisdiction": place}
    )
    return user


def province() -> Jurisdiction:
    return Jurisdiction.objects.defer("boundary").filter(level=Level.PROVINCE).order_by("code")[0]


def the_meeting() -> Meeting | None:
    return Meeting.objects.filter(title=MEETING_TITLE).first()


def load(replay) -> dict:
    """Switch the outbreak's cities and counties to emergency and back, then record the
    26 September meeting, at its time, by the provincial commander (if it happened before the
    record stops)."""
    switches = 0 if ModeSwitch.objects.exists() else switch_modes(replay.end)
    held_at = timezone.make_aware(MEETING_AT)
    if the_meeting() is not None or not replay.happened(held_at):
        return {"meetings": 0, "mode_switches": switches}
    place = province()
    do_record_meeting(
        place,
        title=MEETING_TITLE,
        body=HeadquartersLevel.HEADQUARTERS,
        held_at=held_at,
        chaired_by="省疫情防控指挥部总指挥",
        attendees=ATTENDEES,
        minutes=MINUTES,
        actor=actor(place.code, Role.COMMANDER),
        now=held_at + datetime.timedelta(hours=2),
    )
    return {"meetings": 1, "mode_switches": switches}


def switch_modes(end: datetime.date) -> int:
    """Emergency from each affected city's first case; peacetime again for a county, then its
    city, once all their risk areas are lifted and all their cases have left hospital (if by the
    replay's end). Returns the switches."""
    city_len = CODE_LENGTH[Level.CITY]
    covid = Case.objects.filter(disease=COVID_19)
    first_case: dict[str, datetime.datetime] = {}
    for code, at in covid.values_list("jurisdiction_id", "reported_at").order_by("reported_at"):
        first_case.setdefault(code[:city_len], at)
    closed = _all_closed(covid)
    switches = 0
    for city, at in sorted(first_case.items()):
        do_switch_mode(
            _place(city),
            mode=Mode.EMERGENCY,
            level=ResponseLevel.III,
            reason=EMERGENCY_REASON,
            actor=actor(city, Role.COMMANDER),
            effective_at=at,
        )
        switches += 1
        counties = {c: t for c, t in closed.items() if c.startswith(city)}
        backs = [t for t in counties.values() if t is not None]
        if not backs or len(backs) < len(counties):
            continue  # an area in force or a case in hospital at the end: still in emergency
        city_back = max(backs)
        for county, back in sorted(counties.items()):
            if back is not None and back < city_back and back.date() <= end:
                switches += _back_to_peacetime(county, back)
        if city_back.date() <= end:
            switches += _back_to_peacetime(city, city_back)
    return switches


def _all_closed(covid) -> dict[str, datetime.datetime | None]:
    """County → when its last risk area was lifted and its last case left hospital, whichever
    came later; None while an area is in force or a case has no outcome."""
    county_len = CODE_LENGTH[Level.COUNTY]
    ends: dict[str, list[datetime.datetime | None]] = defaultdict(list)
    areas = RiskArea.objects.exclude(status__in=[AreaStatus.PROPOSED, AreaStatus.WITHDRAWN])
    for code, status, lifted_at in areas.values_list("jurisdiction_id", "status", "lifted_at"):
        ends[code[:county_len]].append(lifted_at if status == AreaStatus.LIFTED else None)
    for code, outcome_at in covid.values_list("jurisdiction_id", "outcome_at"):
        ends[code[:county_len]].append(outcome_at)
    return {
        county: None if any(t is None for t in times) else max(t for t in times if t is not None)
        for county, times in ends.items()
    }


def _back_to_peacetime(code: str, at: datetime.datetime) -> int:
    do_switch_mode(
        _place(code),
        mode=Mode.PEACETIME,
        reason=PEACETIME_REASON,
        actor=actor(code, Role.COMMANDER),
        effective_at=at,
    )
    return 1


def _place(code: str) -> Jurisdiction:
    return Jurisdiction.objects.defer("boundary").get(code=code)
