"""Clusters of one disease in a village or residents' committee (decision 0041).

A disease's rule pack may count cases in one community (``clusters`` definitions whose setting
is ``village``: hand, foot and mouth disease's three cases in a week). Each case reported is
judged with the community's other cases of its disease reported in the rule's window before it;
the highest level met becomes work for the county — one open task per community, disease and
level, so a cluster that grows into an outbreak is new work while more cases of the same
cluster are not. Schools and nurseries judge their own clusters (``reopening.clusters``).
"""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from pingji.cases.choices import Classification
from pingji.cases.contracts import REPORTED as CASE_REPORTED
from pingji.cases.models import Case
from pingji.core.events import subscribe
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.drills import county_code
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules
from pingji.protocols.choices import CLUSTER_LEVELS_HIGHEST_FIRST, ClusterLevel, ClusterSetting
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.tasks.actions.rule_tasks import do_issue_rule_task
from pingji.tasks.choices import OPEN_STATUSES
from pingji.tasks.models import Task

CLUSTER_KIND = "preparedness.cluster"
COMMUNITY = CODE_LENGTH[Level.COMMUNITY]
#: Hours the county has to verify a cluster: the platform's default, not a pack figure.
VERIFY_HOURS = 24


def village_rules(case: Case) -> list[dict]:
    """The ``village`` definitions of the case's disease in force where and when it was reported."""
    try:
        protocol = protocol_for(case.jurisdiction_id, case.reported_at, case.disease_id)
    except NoProtocolInForce:
        return []
    section = rules.raw_section(protocol, "clusters")
    found = section.get("definitions", []) if section.get("applies") else []
    return [d for d in found if d.get("setting") == ClusterSetting.VILLAGE]


def cases_in_window(case: Case, days: int) -> int:
    """The community's cases of the disease reported in the ``days`` up to this one (included)."""
    since = case.reported_at - datetime.timedelta(days=days)
    return (
        Case.objects.subtree(case.jurisdiction_id[:COMMUNITY])
        .filter(
            disease_id=case.disease_id,
            reported_at__gt=since,
            reported_at__lte=case.reported_at,
        )
        .exclude(classification=Classification.RULED_OUT)
        .count()
    )


def judge(case: Case) -> tuple[dict, int] | None:
    """The highest level the case completes in its community, and the cases it counts."""
    if len(case.jurisdiction_id) < COMMUNITY:
        return None
    for rule in sorted(
        village_rules(case), key=lambda d: CLUSTER_LEVELS_HIGHEST_FIRST.index(d["level"])
    ):
        n = cases_in_window(case, rule["within_days"])
        if n >= rule["cases"]:
            return rule, n
    return None


@subscribe(CASE_REPORTED)
def on_case_reported(event) -> None:
    """Issue the county its cluster task, in the report's own transaction."""
    case = Case.objects.filter(pk=event.object_id).select_related("disease").first()
    if case is None:
        return
    found = judge(case)
    if found is None:
        return
    rule, n = found
    community = Jurisdiction.objects.get(code=case.jurisdiction_id[:COMMUNITY])
    with translation.override(settings.LANGUAGE_CODE):  # one title, whoever reported the case
        what = _("%(disease)s %(level)s in %(community)s") % {
            "disease": case.disease,
            "level": ClusterLevel(rule["level"]).label,
            "community": community.name,
        }
    open_tasks = Task.objects.for_source(community).filter(
        kind=CLUSTER_KIND, status__in=OPEN_STATUSES, title__startswith=what
    )
    if open_tasks.exists():
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(what)s: %(n)s cases within %(days)s days") % {
            "what": what,
            "n": n,
            "days": rule["within_days"],
        }
    do_issue_rule_task(
        community,
        actor=event.actor,
        owner=Jurisdiction.objects.get(code=county_code(community)),
        kind=CLUSTER_KIND,
        title=title,
        deadline=case.reported_at + datetime.timedelta(hours=VERIFY_HOURS),
        description="\n".join([*rule["response"], rule["clause"]]),
    )
