"""The official texts of the messages, one per cause: Chinese data registered in ``catalogue``.

These are what a resident, an enterprise or a county's staff read on a phone, so they are kept
here as data, in the register of the notices they follow (协查函, 督办, 解除隔离, 复工复产), and
not in the UI's translation catalogue. Names in them are masked before they are stored
(``core.personal_data.mask_name``); no template has a field for an identity number.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

from pingji.quarantine.actions.self_report import link_url_for

from .catalogue import Template, register
from .choices import Channel

DISPATCH_RECEIVED = "tracing.dispatch_received"
TASK_ESCALATED = "tasks.escalated"
RELEASED = "quarantine.released"
TEST_DUE = "quarantine.test_due"
RESUMED = "reopening.resumed"
PAUSED = "reopening.paused"
AREA_PUBLISHED = "areas.published"


def self_report_url(message) -> str:
    """The person's self-report link for the placement the message is about, made at send time
    (nothing of its token is stored, decision 0043 point 10); empty when the person is no longer
    at home under monitoring, so the line that carries it is left out of the text. A path is made
    absolute with ``PUBLIC_BASE_URL``, the address people reach the platform at."""
    placement = message.subject
    if placement is None:
        return ""
    try:
        url = link_url_for(placement)
    except ValidationError:  # released meanwhile, a case now: the message is owed without it
        return ""
    return getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/") + url


register(
    Template(
        key=DISPATCH_RECEIVED,
        channels=(Channel.EMAIL, Channel.IM),
        legal=True,  # a duty notice to the receiving county's staff: never opted out
        subject="【协查函】{sender}发来协查，请于{due_at}前反馈",
        body=(
            "{sender}向你单位发出协查函：请核查并管控{person}（{reason}）。\n"
            "请于{due_at}前在平急平台反馈管控结果。"
        ),
        fields=("sender", "person", "reason", "due_at"),
    )
)
register(
    Template(
        key=TASK_ESCALATED,
        channels=(Channel.EMAIL, Channel.IM),
        legal=True,  # 挂牌督办 is an order to the owning jurisdiction
        subject="【督办】任务逾期已提级督办：{title}",
        body=(
            "你单位承办的任务“{title}”已超过办理时限（{deadline}），现提级至{to}督办。\n"
            "请立即办理并在平急平台提交办理结果。"
        ),
        fields=("title", "deadline", "to"),
    )
)
register(
    Template(
        key=RELEASED,
        channels=(Channel.SMS,),
        legal=True,  # the release and its home-monitoring order
        subject="解除集中隔离及居家健康监测告知",
        body=(
            "{person}：你已于{released_on}解除集中隔离，转为居家健康监测，至{planned_end_on}结束。\n"
            "监测期间请于以下日期在家接受核酸检测：{test_days}。\n"
            "每日健康自报：{self_report_url}\n"
            "如出现发热、咳嗽等症状，请立即联系所在网格。"
        ),
        fields=("person", "released_on", "planned_end_on", "test_days"),
        send_time_fields={"self_report_url": self_report_url},
    )
)
register(
    Template(
        key=TEST_DUE,
        channels=(Channel.SMS,),
        legal=False,  # a reminder: the schedule itself was notified at release
        subject="核酸检测提醒",
        body="{person}：明天（{due_on}）是你居家健康监测的核酸检测日，请按网格通知采样。回复TD退订",
        fields=("person", "due_on"),
    )
)
register(
    Template(
        key=RESUMED,
        channels=(Channel.SMS, Channel.EMAIL),
        legal=True,  # the approval to resume is an administrative decision
        subject="【复工复产】{establishment}复工申请已核准",
        body=(
            "{establishment}：你单位的复工复产申请已于{at}核准（{clause}）。\n"
            "请严格落实常态化防控措施，人员健康监测和场所消杀不得松懈。"
        ),
        fields=("establishment", "at", "clause"),
    )
)
register(
    Template(
        key=PAUSED,
        channels=(Channel.SMS, Channel.EMAIL),
        legal=True,  # a pause order
        subject="【暂停营业】{establishment}暂停生产经营通知",
        body=(
            "{establishment}：因{reason}，你单位自{at}起暂停生产经营活动。\n"
            "恢复前须重新申请并经核查。"
        ),
        fields=("establishment", "at", "reason"),
    )
)
register(
    Template(
        key=AREA_PUBLISHED,
        channels=(Channel.SMS,),
        legal=False,  # an area change: information, a resident may opt out (decision 0043)
        subject="风险区域调整通告",
        body=(
            "你所在的{area}自{effective_at}起{change}，现为{level}。\n"
            "管控措施：{measures}。回复TD退订"
        ),
        fields=("area", "effective_at", "change", "level", "measures"),
    )
)

#: What each change of an area is called in an announcement (``areas.TransitionKind``).
CHANGE_WORDS = {
    "designate": "划定",
    "raise": "升级",
    "step_down": "降级",
    "lift": "解除管控",
}
#: The level names of the published lists (``protocols.RiskLevel``).
LEVEL_WORDS = {
    "sealed": "封控区",
    "controlled": "管控区",
    "precaution": "防范区",
    "high": "高风险区",
    "medium": "中风险区",
    "low": "低风险区",
    "": "常态化防控区域",
}
