"""What a disease's rule pack says of a case among an establishment's people (decision 0041).

A school, a kindergarten or another collective unit counts its people's cases of one disease
over the days its rule pack names: in the case's class (``Member.group``) or in the whole
establishment. The ``clusters`` section says which level that makes (a cluster, an outbreak, a
reportable event) and the response; the ``closure`` section says whether a class or the whole
establishment closes, for how long, and what reopening needs. Pure reads: ``handlers`` writes
the answer on the establishment's alert, and a person decides on the pause.

A "village" cluster is a community's, not an establishment's, and is not judged here.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pingji.cases.choices import Classification
from pingji.cases.models import Case
from pingji.protocols import rules
from pingji.protocols.choices import CLUSTER_LEVELS_HIGHEST_FIRST, ClusterLevel, ClusterSetting
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .choices import Kind
from .models import Establishment, Member

#: The settings an establishment's rule can name, and the kinds each applies to (None: any).
SETTING_KINDS: dict[str, tuple[str, ...] | None] = {
    ClusterSetting.CLASS: None,
    ClusterSetting.SCHOOL: (Kind.SCHOOL,),
    ClusterSetting.KINDERGARTEN: (Kind.KINDERGARTEN,),
    ClusterSetting.INSTITUTION: None,
}


@dataclass
class Finding:
    """The highest cluster level met with its rule and count, and the widest closure met."""

    group: str  # the case's class ("" when it has none)
    cluster: dict | None = None
    cases: int = 0  # counted by the cluster's rule
    closure: dict | None = None

    @property
    def closure_group(self) -> str:
        """The class to close; "" when the whole establishment closes (or nothing does)."""
        return self.group if self._class_closure else ""

    @property
    def _class_closure(self) -> bool:
        return self.closure is not None and self.closure["setting"] == ClusterSetting.CLASS

    def text(self) -> str:
        parts = []
        if self.cluster:
            parts.append(
                _("%(level)s: %(n)s cases within %(days)s days (%(clause)s). Response: %(what)s")
                % {
                    "level": ClusterLevel(self.cluster["level"]).label,
                    "n": self.cases,
                    "days": self.cluster["within_days"],
                    "clause": self.cluster["clause"],
                    "what": "；".join(self.cluster["response"]),
                }
            )
        if self.closure:
            where = (
                _("class %(group)s") % {"group": self.group}
                if self._class_closure
                else _("the whole establishment")
            )
            parts.append(
                _("Close %(where)s for %(days)s days (%(clause)s). Reopening: %(what)s")
                % {
                    "where": where,
                    "days": self.closure["days_closed"],
                    "clause": self.closure["clause"],
                    "what": "；".join(self.closure["reopening"]),
                }
            )
        return "\n".join(parts)


def judge(case: Case, establishment: Establishment, member: Member) -> Finding | None:
    """What the rule pack of the case's disease, in force where the establishment is on the day
    the case was reported, says now; None when it says nothing."""
    try:
        protocol = protocol_for(establishment.jurisdiction_id, case.reported_at, case.disease_id)
    except NoProtocolInForce:
        return None
    clusters = rules.raw_section(protocol, "clusters")
    closure = rules.raw_section(protocol, "closure")
    definitions = clusters.get("definitions", []) if clusters.get("applies") else []
    steps = closure.get("steps", []) if closure.get("applies") else []
    definitions = [d for d in definitions if _applies(d, establishment, member)]
    steps = [s for s in steps if _applies(s, establishment, member)]
    if not definitions and not steps:
        return None
    cases = _cases_by_group(case, establishment, max(r["within_days"] for r in definitions + steps))
    finding = Finding(group=member.group)
    for rule in sorted(definitions, key=lambda d: CLUSTER_LEVELS_HIGHEST_FIRST.index(d["level"])):
        if _met(rule, cases, member.group, case):
            finding.cluster, finding.cases = rule, len(_recent(rule, cases, member.group, case))
            break
    for step in sorted(steps, key=_widest_first):
        if _met(step, cases, member.group, case):
            finding.closure = step
            break
    return finding if finding.cluster or finding.closure else None


def _applies(rule: dict, establishment: Establishment, member: Member) -> bool:
    setting = rule.get("setting")
    if setting not in SETTING_KINDS:
        return False
    if setting == ClusterSetting.CLASS and not member.group:
        return False
    kinds = SETTING_KINDS[setting]
    return kinds is None or establishment.kind in kinds


def _widest_first(step: dict) -> int:
    return 1 if step["setting"] == ClusterSetting.CLASS else 0


def _cases_by_group(
    case: Case, establishment: Establishment, days: int
) -> list[tuple[datetime.datetime, str]]:
    """(report time, class) of the establishment's people's cases of the disease reported in the
    ``days`` up to this case's report, this one included; a case ruled out does not count."""
    groups = dict(establishment.members.values_list("person_id", "group"))
    since = case.reported_at - datetime.timedelta(days=days)
    rows = (
        Case.objects.filter(
            person_id__in=list(groups),
            disease_id=case.disease_id,
            reported_at__gt=since,
            reported_at__lte=case.reported_at,
        )
        .exclude(classification=Classification.RULED_OUT)
        .values_list("reported_at", "person_id")
    )
    return [(at, groups[person]) for at, person in rows]


def _recent(rule: dict, cases, group: str, case: Case) -> list[str]:
    """The classes of the cases inside the rule's window (of the case's class, for a class rule)."""
    since = case.reported_at - datetime.timedelta(days=rule["within_days"])
    recent = [g for at, g in cases if at > since]
    return [g for g in recent if g == group] if rule["setting"] == ClusterSetting.CLASS else recent


def _met(rule: dict, cases, group: str, case: Case) -> bool:
    """Whether the rule's count is reached in its window; with ``classes_affected``, in that many
    classes each (``cases`` shared among them)."""
    recent = _recent(rule, cases, group, case)
    if len(recent) < rule["cases"]:
        return False
    classes = rule.get("classes_affected", 1)
    if rule["setting"] == ClusterSetting.CLASS or classes <= 1:
        return True
    each = max(1, rule["cases"] // classes)
    return sum(1 for g, n in Counter(g for g in recent if g).items() if n >= each) >= classes
