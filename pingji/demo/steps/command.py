"""Demo step: the provincial headquarters meeting of 26 September 2021.

On 26 September 2021 the Fujian provincial epidemic prevention and control headquarters met on the
Putian/Xiamen outbreak: carry out every item of the national work group's problem list
(按照问题清单不折不扣抓好整改落实), press home the responsibility of each level (压实主体责任、
属地责任), make a holiday prevention plan for every city before National Day, and draw lessons
(总结反思). This step records the meeting; the ``tasks`` step issues what it decided.
"""

import datetime

from django.utils import timezone

from pingji.command.actions.meetings import do_record_meeting
from pingji.command.choices import HeadquartersLevel
from pingji.command.models import Meeting
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.users.choices import Role
from pingji.users.models import User

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
    """Record the 26 September meeting, at its time, by the provincial commander."""
    if the_meeting() is not None:
        return {"meetings": 0}
    place = province()
    held_at = timezone.make_aware(MEETING_AT)
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
    return {"meetings": 1}
