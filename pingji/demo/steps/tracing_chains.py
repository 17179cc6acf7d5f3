"""The replay's transmission chains and dispatches, on the contacts ``steps.tracing`` wrote.

Links follow the likely infectors ``steps.cases`` drew; the named chains are the published ones
(Putou primary school and Xiesheng shoe factory in Xianyou, NHC expert team, 13 Sep 2021; two
factory clusters in Tong'an, Xiamen press conference, 19 Sep), each declared by its county. A
link's evidence: genomic for the cross-city seeding (all 263 genomes one chain, Fujian press
conference 27 Sep), epidemiological inside a named chain, "contact" where the infectee was recorded
as the infector's contact, probable otherwise. Contacts living in another county are dispatched
there once per person and county, with the deadline of ``rules.dispatch``.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_noop

from pingji.core.messages import message
from pingji.core.models import DomainEvent
from pingji.core.rows import update
from pingji.demo.steps.cases import FACTORY_A, FACTORY_B, SCHOOL, SHOE_FACTORY, Line
from pingji.geo.models import Jurisdiction
from pingji.tracing.actions.dispatch import dispatched_event
from pingji.tracing.actions.dispatch_answers import ANSWER_KIND
from pingji.tracing.choices import DispatchStatus, LinkEvidence, Setting
from pingji.tracing.contracts import CLUSTER_CREATED, DISPATCHED, LINKED
from pingji.tracing.models import Cluster, Contact, Dispatch, Link

HOUR = datetime.timedelta(hours=1)


def _hours(rng, low: float, high: float) -> datetime.timedelta:
    return datetime.timedelta(hours=rng.uniform(low, high))


#: The named chains (published names; ``steps.cases`` clusters), declared by their county.
CLUSTERS = {
    SCHOOL: ("350322", "仙游县枫亭镇铺头小学传播链", Setting.SCHOOL),
    SHOE_FACTORY: ("350322", "仙游县协盛鞋厂传播链", Setting.WORKPLACE),
    FACTORY_A: ("350212", "同安区工厂聚集性疫情（一）", Setting.WORKPLACE),
    FACTORY_B: ("350212", "同安区工厂聚集性疫情（二）", Setting.WORKPLACE),
}


def make_clusters(lines, writer, actors) -> dict[str, Cluster]:
    places = {line.cluster: line.place_id for line in lines if line.place_id}
    made = {}
    for key, (county, name, setting) in CLUSTERS.items():
        if not any(line.cluster == key for line in lines):
            continue
        made[key] = Cluster(
            name=name, jurisdiction_id=county, place_id=places.get(key), setting=setting
        )
    Cluster.objects.bulk_create(list(made.values()))
    first: dict[str, Line] = {}  # each chain's first reported line
    for line in sorted(lines, key=lambda x: x.reported_at):
        first.setdefault(line.cluster, line)
    for key, cluster in made.items():
        cluster.created_at = first[key].reported + 2 * HOUR
    Cluster.objects.bulk_update(list(made.values()), ["created_at"])
    for key, cluster in made.items():
        line = first[key]
        writer.event(
            CLUSTER_CREATED,
            cluster.created_at,
            cluster,
            message(gettext_noop("Cluster %(name)s"), {"name": cluster.name}),
            actors.get(line.county),
        )
    return made


def _case(number: int):
    """A case as the actions name it in events (``cases.actions.reports.case_name``)."""
    return message(gettext_noop("Case %(number)s"), {"number": number})


def _evidence(line: Line, contact) -> str:
    if line.city != "3503" and line.cluster == "cross_city":
        return LinkEvidence.GENOMIC  # 263 genomes, one chain (press conference 27 Sep)
    if line.cluster in CLUSTERS:
        return LinkEvidence.EPIDEMIOLOGICAL
    return LinkEvidence.CONTACT if contact is not None else LinkEvidence.PROBABLE


def link_cases(lines, invs, contacts, clusters, writer, actors) -> int:
    """A link for every line with an infector; a chain's cluster passes to household spread."""
    by_n = {line.n: line for line in lines}
    contact_of = {(c.investigation_id, c.person_id): c for c in contacts}
    cluster_of: dict[int, Cluster | None] = {}
    made = []
    for line in sorted(lines, key=lambda x: x.reported_at):
        source = by_n.get(line.infector) if line.infector else None
        cluster = clusters.get(line.cluster) or (cluster_of.get(source.n) if source else None)
        cluster_of[line.n] = cluster
        if source is None or invs[line.n].report_done_at is None:  # not known before the report
            continue
        contact = contact_of.get((invs[source.n].pk, line.person_id))
        made.append(
            (
                line,
                Link(
                    infector_id=source.case_id,
                    infectee_id=line.case_id,
                    jurisdiction_id=invs[line.n].jurisdiction_id,
                    evidence=_evidence(line, contact),
                    setting=line.setting,
                    cluster=cluster,
                    contact=contact,
                    created_by=actors[line.county],
                    # known once the infectee's investigation reported it, not at install time
                    recorded_at=invs[line.n].report_done_at,
                ),
            )
        )
    Link.objects.bulk_create([link for _l, link in made], batch_size=500)
    for line, link in made:
        link.created_at = invs[line.n].report_done_at
    update(Link, [link for _l, link in made], ["created_at"])
    for line, link in made:
        writer.event(
            LINKED,
            invs[line.n].report_done_at,
            link,
            message(
                gettext_noop("%(infector)s → %(infectee)s (%(evidence)s)"),
                {
                    "infector": _case(link.infector_id),
                    "infectee": _case(link.infectee_id),
                    "evidence": LinkEvidence(link.evidence).label,
                },
            ),
            actors[line.county],
            infector=link.infector_id,
            infectee=link.infectee_id,
            evidence=link.evidence,
            previous_infector=None,
            cluster=link.cluster.pk if link.cluster else None,
        )
    return len(made)


#: Assumption: how the receiving counties answered (most controlled in time, a few returned).
ANSWERS = (
    (DispatchStatus.CONTROLLED, 0.9),
    (DispatchStatus.RETURNED, 0.06),
    (DispatchStatus.UNREACHABLE, 0.04),
)


def dispatch_elsewhere(contacts, persons, writer, rng, happened) -> tuple[int, list[DomainEvent]]:
    """Contacts living in another county are dispatched there, once per person and county, and
    answered within the protocol's deadline (``rules.dispatch``, 24 h in the province).

    The "controlled" answers are returned unwritten: answering "controlled" places the person
    (decision 0026), which ``steps.quarantine`` does for every contact, so it writes them once the
    placements and their sites exist. A dispatch sent or answered after the record stops
    (``happened`` says) is not sent, or stays open.
    """
    from pingji.tracing.actions.dispatch import deadline_for

    sent: set[tuple[int, str]] = set()
    made: list[tuple[Dispatch, datetime.datetime]] = []  # each dispatch, and when it was closed
    homes = {p.jurisdiction_id[:6] for p in persons.values()}
    names = dict(Jurisdiction.objects.filter(code__in=homes).values_list("code", "name"))
    for contact in sorted(contacts, key=lambda c: c.created_at):
        home = persons[contact.person_id].jurisdiction_id[:6]
        if home == contact.jurisdiction_id[:6] or (contact.person_id, home) in sent:
            continue
        sent.add((contact.person_id, home))
        inv = contact.investigation
        at = max(inv.opened_at, contact.last_exposure_at) + _hours(rng, 0.5, 3)
        sender = contact.jurisdiction
        due, clause = deadline_for(sender, at, True, contact)
        status = rng.choices([a for a, _w in ANSWERS], [w for _a, w in ANSWERS])[0]
        closed = at + _hours(rng, 2, 20)
        acknowledged = at + _hours(rng, 0.2, 1.5)
        if not happened(at):
            continue
        if not happened(closed):
            status, closed = DispatchStatus.ACKNOWLEDGED, None
        if not happened(acknowledged):
            status, acknowledged = DispatchStatus.SENT, None
        dispatch = Dispatch(
            person_id=contact.person_id,
            jurisdiction_id=home,
            sender_id=contact.jurisdiction_id,
            to_region=home,
            to_region_name=names.get(home, ""),
            in_province=True,
            reason=f"{contact.get_tier_display()} of {inv.case}",
            source_type=ContentType.objects.get_for_model(Contact),
            source_id=str(contact.pk),
            source_label=str(persons[contact.person_id].name),
            last_exposure_at=contact.last_exposure_at,
            status=status,
            sent_at=at,
            sent_by=contact.accepted_by,
            due_at=due,
            deadline_clause=clause,
            acknowledged_at=acknowledged,
            located_at=closed if status == DispatchStatus.CONTROLLED else None,
            closed_at=closed,
            return_reason="现住址不在本县，已转回" if status == DispatchStatus.RETURNED else "",
        )
        made.append((dispatch, closed))
    Dispatch.objects.bulk_create([d for d, _closed in made], batch_size=500)
    controlled: list[DomainEvent] = []
    for d, closed in made:
        writer.event(
            DISPATCHED,
            d.sent_at,
            d,
            dispatched_event(d, persons[d.person_id].name)[0],
            d.sent_by,
            code=d.sender_id,
            to_region=d.to_region,
            in_province=True,
            due_at=d.due_at.isoformat() if d.due_at else "",
            source=d.source_label,
        )
        if closed is None:  # still unanswered when the record stops
            continue
        answer = writer.build(
            ANSWER_KIND[d.status],
            closed,
            d,
            message(
                gettext_noop("%(dispatch)s: %(status)s"),
                {
                    "dispatch": message(gettext_noop("Dispatch %(number)s"), {"number": d.pk}),
                    "status": DispatchStatus(d.status).label,
                },
            ),
            None,
            at=closed.isoformat(),
            sender=d.sender_id,
            outcome=d.status,
            late=bool(d.due_at and closed > d.due_at),
        )
        if d.status == DispatchStatus.CONTROLLED:
            controlled.append(answer)
        else:
            writer.events.append(answer)
    return len(made), controlled
