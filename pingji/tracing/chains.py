"""Transmission chains: links between cases, clusters, generations, the graph and linked pairs.

A link says "this infection most likely came from that case", with its evidence (decision 0009).
Writing one needs both cases in the actor's view — a link across two counties is made by the level
above both (the city or province), as cross-area attribution was in 2021 — and refuses a case
infecting itself, a second infector for the same infectee, and a cycle. Generations follow from the
links: a case with no known infector is generation 1, its infectees 2, and so on.

``transmission_pairs`` (contract C7) hands the linked pairs to the serial-interval estimate
(``epi.serial``) and, through it, to Rt.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.cases.models import Case
from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.epi import serial as epi_serial

from .choices import LinkEvidence
from .models import Cluster, Link


@dataclass(frozen=True)
class Pair:
    """One linked pair, as the serial-interval estimate reads it, with when it was recorded."""

    infector_case_id: int
    infectee_case_id: int
    infector_onset: datetime.date | None
    infectee_onset: datetime.date | None
    recorded_at: datetime.datetime | None = None

    @property
    def onset_days(self) -> int | None:
        if self.infector_onset is None or self.infectee_onset is None:
            return None
        return (self.infectee_onset - self.infector_onset).days


def transmission_pairs(code: str, known_by: datetime.datetime | None = None) -> list[Pair]:
    """The links whose infectee lies within jurisdiction ``code`` ("" = all) (decision 0009).

    ``known_by``: only the links recorded before that moment (decision 0030: what was known then).
    """
    links = Link.objects.all()
    if code:
        links = links.filter(jurisdiction__code__within=code)
    if known_by is not None:
        links = links.filter(recorded_at__lt=known_by)
    rows = links.order_by("infectee_id").values_list(
        "infector_id", "infectee_id", "infector__onset_date", "infectee__onset_date", "recorded_at"
    )
    return [Pair(*row) for row in rows]


def serial_interval_of(code: str) -> epi_serial.SerialIntervalFit:
    """The serial interval fitted to the area's pairs with both onsets known (``epi.serial``)."""
    days = [p.onset_days for p in transmission_pairs(code) if p.onset_days is not None]
    return epi_serial.fit(days)


def generations(links: list[tuple[int, int]]) -> dict[int, int]:
    """Case id → generation from (infector, infectee) pairs; roots are generation 1."""
    parent = {infectee: infector for infector, infectee in links}
    cases = set(parent) | set(parent.values())
    out: dict[int, int] = {}
    for case in cases:
        path = []
        node = case
        while node not in out and node in parent and node not in path:
            path.append(node)
            node = parent[node]
        base = out.get(node, 1)
        if node not in out:
            out[node] = 1
        for depth, member in enumerate(reversed(path), start=1):
            out[member] = base + depth
    return out


def _error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _creates_cycle(infector_id: int, infectee_id: int) -> bool:
    """Whether the infectee is already among the infector's ancestors (or is the infector)."""
    seen: set[int] = set()
    node: int | None = infector_id
    while node is not None and node not in seen:
        if node == infectee_id:
            return True
        seen.add(node)
        node = Link.objects.filter(infectee_id=node).values_list("infector_id", flat=True).first()
    return False


def do_link_cases(
    infector: Case,
    infectee: Case,
    *,
    actor,
    evidence: str,
    setting: str = "",
    cluster: Cluster | None = None,
    contact=None,
    note: str = "",
) -> Link:
    """Attribute ``infectee``'s infection to ``infector``; an existing link is corrected instead.

    Correcting (a new infector for the same infectee) is a ``tracing.link_corrected`` event; a
    first link is ``tracing.linked``.
    """
    ensure_allowed(actor, infectee, "view")
    if not Case.objects.restrict(actor, "view").filter(pk=infector.pk).exists():
        raise _error("infector", _("No such case in your area."), "not_visible")
    if not actor.has_perm("tracing.add_link"):
        raise PermissionDenied(_("Your role cannot link cases."))
    if evidence not in LinkEvidence.values:
        raise _error("evidence", _("Choose the evidence for the link."))
    if infector.pk == infectee.pk:
        raise _error("infector", _("A case cannot infect itself."), "self")
    if _creates_cycle(infector.pk, infectee.pk):
        raise _error(
            "infector",
            _("%(infectee)s is already an ancestor of %(infector)s: the link would be a cycle.")
            % {"infectee": infectee, "infector": infector},
            "cycle",
        )
    if cluster is not None and not Cluster.objects.restrict(actor).filter(pk=cluster.pk).exists():
        raise _error("cluster", _("No such cluster in your area."), "not_visible")
    with transaction.atomic():
        link = Link.objects.select_for_update().filter(infectee=infectee).first()
        corrected = link is not None
        if link is None:
            link = Link(infectee=infectee, jurisdiction_id=infectee.jurisdiction_id)
        before = link.infector_id if corrected else None
        link.infector, link.evidence, link.setting = infector, evidence, setting or ""
        link.cluster, link.contact, link.note = cluster, contact, (note or "").strip()[:500]
        link.recorded_at = timezone.now()  # a correction is known from now on (decision 0030)
        link.created_by = actor if getattr(actor, "pk", None) else None
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError as exc:
            raise _error("infectee", _("This case was linked a moment ago."), "duplicate") from exc
        ensure_allowed(actor, link, "view")
        record_event(
            "tracing.link_corrected" if corrected else "tracing.linked",
            _("%(infector)s → %(infectee)s (%(evidence)s)")
            % {
                "infector": infector,
                "infectee": infectee,
                "evidence": link.get_evidence_display(),
            },
            jurisdiction_code=link.jurisdiction_id,
            subject=link,
            actor=actor,
            payload={
                "infector": infector.pk,
                "infectee": infectee.pk,
                "evidence": evidence,
                "previous_infector": before,
                "cluster": cluster.pk if cluster else None,
            },
        )
    return link


def do_create_cluster(
    name: str, *, jurisdiction, actor, place=None, setting: str = "", description: str = ""
) -> Cluster:
    """Name a cluster (a school chain, a factory cluster) in the actor's area."""
    name = (name or "").strip()
    if not name:
        raise _error("name", _("Name the cluster."), "required")
    ensure_allowed(actor, jurisdiction, "view")
    if Cluster.objects.filter(jurisdiction=jurisdiction, name=name).exists():
        raise _error("name", _("A cluster of this name exists already."), "duplicate")
    with transaction.atomic():
        cluster = Cluster.objects.create(
            name=name[:200],
            jurisdiction=jurisdiction,
            place=place,
            setting=setting,
            description=(description or "").strip(),
        )
        ensure_allowed(actor, cluster, "add")
        record_event(
            "tracing.cluster_created",
            _("Cluster %(name)s") % {"name": name},
            jurisdiction_code=jurisdiction.code,
            subject=cluster,
            actor=actor,
        )
    return cluster


def graph(links, cases) -> dict:
    """Nodes and edges for the interactive graph: x = onset (or report) day, y by generation."""
    gen = generations([(link.infector_id, link.infectee_id) for link in links])
    nodes = []
    rows_per_gen: dict[int, int] = {}
    for case in sorted(cases, key=lambda c: (gen.get(c.pk, 1), c.reported_at, c.pk)):
        g = gen.get(case.pk, 1)
        rows_per_gen[g] = rows_per_gen.get(g, 0) + 1
        day = case.onset_date or case.reported_at.date()
        nodes.append(
            {
                "id": case.pk,
                "label": str(case),
                "name": case.person.name,
                "day": day.isoformat(),
                "generation": g,
                "lane": rows_per_gen[g],
                "classification": case.classification,
                "jurisdiction": case.jurisdiction_id,
                "url": case.get_absolute_url(),
            }
        )
    edges = [
        {
            "from": link.infector_id,
            "to": link.infectee_id,
            "evidence": link.evidence,
            "cluster": link.cluster.name if link.cluster_id else "",
        }
        for link in links
    ]
    return {"nodes": nodes, "edges": edges, "generations": max(gen.values(), default=0)}
