"""What each notice says: its frozen content, built from the decision's rows (decision 0043).

The texts are official Chinese documents — data, not UI — so they are written here in Chinese
whatever language the platform is read in. Every personal value goes through the registry
(``core.personal_data``) as it is presented to a user without the reveal permission, a grid
worker: identity numbers masked (region and check character), a birth date as an age. What is
built here is stored on the notice and never rebuilt: the notice says what was true when its
decision was taken.

A content is a dict: ``title``, ``issuer`` (who signs), ``to`` (the salutation), ``body``
(paragraphs), ``facts`` (label/value rows of the table), ``clause`` and ``protocol`` (the rule
applied), ``date`` (of signing) and, for the home-monitoring notice, its ``schedule``.
"""

import datetime

from django.utils import timezone

from pingji.core import personal_data as pd
from pingji.core.actions import local_date
from pingji.geo.models import Jurisdiction

from .choices import TITLES

LEVEL_NAMES = {
    "sealed": "封控区",
    "controlled": "管控区",
    "precaution": "防范区",
    "high": "高风险区",
    "medium": "中风险区",
    "low": "低风险区",
}
CATEGORY_NAMES = {
    "close_contact": "密切接触者",
    "secondary_contact": "密接的密接",
    "spatiotemporal_companion": "时空伴随者",
    "sealed_area_resident": "封控区居民",
    "controlled_area_resident": "管控区居民",
    "high_risk_area_resident": "高风险区居民",
    "high_risk_area_leaver": "高风险区外溢人员",
    "medium_risk_area_leaver": "中风险区外溢人员",
}


def issuer_for(code: str) -> Jurisdiction:
    """The jurisdiction that signs: the county (or the level above, when the decision was taken
    there). Grids, communities and townships sign nothing; their county's headquarters does;
    where the tree lacks that level, the nearest level above the decision that exists signs."""
    codes = [code[:6]] if len(code) > 6 else []
    codes += [code[:n] for n in range(len(code), 1, -1)]
    found = Jurisdiction.objects.in_bulk([c for c in codes if c])
    return next(found[c] for c in codes if c in found)


def signer(issuer: Jurisdiction) -> str:
    return f"{issuer.name}疫情防控指挥部"


def day_text(day: datetime.date | datetime.datetime | None) -> str:
    if day is None:
        return "—"
    if isinstance(day, datetime.datetime):
        day = local_date(day)
    return f"{day.year}年{day.month}月{day.day}日"


def time_text(at: datetime.datetime | None) -> str:
    if at is None:
        return "—"
    local = timezone.localtime(at, timezone.get_default_timezone())
    return f"{day_text(local.date())}{local:%H:%M}"


def person_facts(person, on: datetime.date) -> dict[str, str]:
    """The person as a notice prints them: the name, the masked identity number and the age."""
    name = pd.present(None, pd.Kind.NAME, person.name) or ""
    id_number = pd.present(None, pd.Kind.ID_NUMBER, person.id_number_masked) or "—"
    age = pd.present(None, pd.Kind.BIRTH_DATE, person.birth_date, today=on)
    return {"name": name, "id_number": id_number, "age": "—" if age in (None, "") else str(age)}


def public(doc: dict, to: str) -> dict:
    """``doc`` with what the public verification page may say it is addressed to: a person's
    name masked as on every page without a login (``personal_data.mask_name``), a household
    as 住户 without its address (an address is shown within a scope, and that page has none),
    an establishment, an area or a county by name."""
    return {**doc, "public_to": to}


def _base(kind: str, issuer: Jurisdiction, to: str, on, protocol, clause: str) -> dict:
    return {
        "title": TITLES[kind],
        "issuer": signer(issuer),
        "to": to,
        "date": day_text(on),
        "protocol": getattr(protocol, "name", "") or str(protocol or ""),
        "clause": clause or "",
        "body": [],
        "facts": [],
    }


def sealing(kind, issuer, area, transition, household) -> dict:
    """The notice to one household of an area sealed or controlled (封控告知书)."""
    level = LEVEL_NAMES.get(transition.to_level, transition.to_level)
    address = pd.present(None, pd.Kind.ADDRESS, household.address)
    doc = _base(
        kind, issuer, f"{address} 住户：", transition.effective_at, area.protocol, transition.clause
    )
    basis = transition.legal_basis or area.legal_basis
    doc["body"] = [
        f"根据{basis}，自{time_text(transition.effective_at)}起，{area.name}划定为{level}，"
        f"实行“{area.measures or '区域封闭、足不出户、服务上门'}”管控措施。",
        "请您和家人严格遵守管控规定，配合核酸检测和健康监测；生活物资由社区统一配送。"
        "如出现发热、咳嗽等症状，请立即报告网格员，不得自行外出就医。",
        "本告知书自送达之日起生效，至解除管控之日止。",
    ]
    doc["facts"] = [
        ["风险区", area.name],
        ["管控等级", level],
        ["生效时间", time_text(transition.effective_at)],
        ["住址", address],
    ]
    return doc


def lifting(kind, issuer, area, transition) -> dict:
    """The announcement that an area is lifted (解封公告), one per area."""
    level = LEVEL_NAMES.get(transition.from_level, transition.from_level)
    doc = _base(
        kind, issuer, "辖区居民：", transition.effective_at, area.protocol, transition.clause
    )
    basis = transition.legal_basis or area.legal_basis
    doc["body"] = [
        f"经评估，{area.name}已符合解除条件。根据{basis}，自{time_text(transition.effective_at)}"
        f"起解除{level}管控措施，此前送达的封控（管控）告知书同时失效。",
        "解封后请继续做好个人防护，坚持戴口罩、勤洗手、常通风，配合常态化核酸检测。",
    ]
    doc["facts"] = [
        ["风险区", area.name],
        ["原管控等级", level],
        ["解除时间", time_text(transition.effective_at)],
    ]
    return doc


def release(kind, issuer, placement, release_row, site_name: str) -> dict:
    """The certificate of release from centralised quarantine (解除隔离证明)."""
    on = local_date(release_row.decided_at)
    who = person_facts(placement.person, on)
    category = CATEGORY_NAMES.get(placement.category, placement.category)
    doc = _base(kind, issuer, "", release_row.decided_at, placement.protocol, placement.clause)
    doc["body"] = [
        f"兹证明{who['name']}（身份证号{who['id_number']}），作为{category}自"
        f"{day_text(placement.placed_at)}起在{site_name}接受集中隔离医学观察，观察期满，"
        f"符合解除条件，于{day_text(on)}解除集中隔离。",
    ]
    if placement.planned_end_on > on and placement.home_days:
        doc["body"].append(f"解除后须按规定居家健康监测至{day_text(placement.planned_end_on)}。")
    doc["body"].append("特此证明。")
    doc["facts"] = [
        ["姓名", who["name"]],
        ["身份证号", who["id_number"]],
        ["年龄", who["age"]],
        ["隔离场所", site_name],
        ["隔离开始", day_text(placement.placed_at)],
        ["解除日期", day_text(on)],
    ]
    return doc


def home_monitoring(kind, issuer, placement, release_row, address: str, tests) -> dict:
    """The home health monitoring notice (居家健康监测告知书), with the monitoring schedule."""
    on = local_date(release_row.decided_at)
    who = person_facts(placement.person, on)
    start, end = on + datetime.timedelta(days=1), placement.planned_end_on
    days = sorted({t for t in tests if start <= t <= end})
    doc = _base(kind, issuer, f"{who['name']}：", on, placement.protocol, placement.clause)
    doc["body"] = [
        f"您已于{day_text(on)}解除集中隔离。根据防控规定，自{day_text(start)}起至"
        f"{day_text(end)}在{address}进行居家健康监测。",
        "监测期间请每日早晚各测量一次体温并如实报告；非必要不外出，确需外出时须做好个人防护，"
        "不前往人员密集场所，不乘坐公共交通工具。",
        "请于以下日期接受核酸检测：" + ("、".join(day_text(d) for d in days) or "另行通知") + "。",
        "如出现发热、干咳、乏力、咽痛、嗅（味）觉减退、腹泻等症状，请立即报告网格员或社区。",
    ]
    doc["facts"] = [
        ["姓名", who["name"]],
        ["身份证号", who["id_number"]],
        ["监测地址", address],
        ["监测期限", f"{day_text(start)}至{day_text(end)}"],
        ["核酸检测日期", "、".join(day_text(d) for d in days) or "另行通知"],
    ]
    doc["schedule"] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "test_days": [d.isoformat() for d in days],
    }
    return doc


def dispatch_letter(kind, issuer, dispatch, name: str, id_number: str) -> dict:
    """The letter asking the receiving county to locate and control a person (协查函)."""
    to = dispatch.to_region_name or dispatch.to_region
    doc = _base(
        kind, issuer, f"{to}疫情防控指挥部：", dispatch.sent_at, "", dispatch.deadline_clause
    )
    due = f"于{time_text(dispatch.due_at)}前" if dispatch.due_at else "尽快"
    doc["body"] = [
        f"经我方流行病学调查，{name}（身份证号{id_number or '—'}）需纳入管控，"
        f"事由：{dispatch.reason}。"
        f"最后一次暴露时间为{time_text(dispatch.last_exposure_at)}。",
        f"现将其信息推送贵地，请{due}完成落地核查和管控，并将结果及时反馈我方。",
        "感谢支持！",
    ]
    doc["facts"] = [
        ["姓名", name],
        ["身份证号", id_number or "—"],
        ["事由", dispatch.reason],
        ["最后暴露", time_text(dispatch.last_exposure_at)],
        ["反馈时限", time_text(dispatch.due_at)],
    ]
    return doc


def approval(kind, issuer, establishment, application) -> dict:
    """The notice that an establishment may resume (复工复产审核通过告知书)."""
    doc = _base(
        kind,
        issuer,
        f"{establishment.name}：",
        application.decided_at,
        application.protocol,
        application.clause,
    )
    if not doc["protocol"]:
        doc["protocol"] = application.protocol or ""
    doc["body"] = [
        f"你单位于{day_text(application.applied_at)}提出的复工复产申请，经现场核查，符合防控规定的"
        f"条件，准予自{day_text(application.decided_at)}起复工复产。",
        "复工后请严格落实疫情防控主体责任，做好人员健康监测、场所消毒通风和应急处置准备。",
    ]
    doc["facts"] = [
        ["单位名称", establishment.name],
        ["统一社会信用代码", establishment.credit_code or "—"],
        ["地址", establishment.address or "—"],
        ["批准日期", day_text(application.decided_at)],
    ]
    return doc


def pause(kind, issuer, establishment, change) -> dict:
    """The notice that an establishment must pause (停工停产通知书)."""
    doc = _base(kind, issuer, f"{establishment.name}：", change.at, "", change.clause)
    doc["body"] = [
        f"因{change.reason or '疫情防控需要'}，你单位自{time_text(change.at)}起暂停生产经营活动，"
        "此前的复工复产审核通过告知书同时失效。待风险解除并经审核同意后方可恢复。",
    ]
    doc["facts"] = [
        ["单位名称", establishment.name],
        ["统一社会信用代码", establishment.credit_code or "—"],
        ["暂停时间", time_text(change.at)],
    ]
    return doc
