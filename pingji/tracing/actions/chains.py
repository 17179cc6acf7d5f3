"""Writing transmission chains: links between cases (decision 0009) and named clusters.

Writing a link needs both cases in the actor's view — a link across two counties is made by the
level above both (the city or province), as cross-area attribution was in 2021 — and refuses a case
infecting itself, a second infector for the same infectee, and a cycle. A link is known from the
moment it is recorded (``Link.recorded_at``, decision 0030): the serial interval fitted "as of" a
day reads only the links known by then (``chains.transmission_pairs``).
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.cases.actions.reports import case_name
from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import conflict, error
from pingji.core.events import record_event
from pingji.core.messages import message

from ..choices import LinkEvidence
from ..contracts import CLUSTER_CREATED, LINK_CORRECTED, LINKED
from ..models import Cluster, Link


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


def check_link(
    infector: Case, infectee: Case, *, actor, evidence: str, cluster: Cluster | None
) -> None:
    """Refuse a link the actor may not make, or one the chain cannot hold.

    Both cases must be in the actor's view and the role must link cases; the evidence must be
    named; a case cannot infect itself, nor an ancestor its descendant (a cycle would make
    generations and the serial interval meaningless), nor a case of another disease; a cluster
    must be the actor's. Apart from
    the write so every refusal comes before the infectee's link is locked.
    """
    ensure_allowed(actor, infectee, "view")
    if not Case.objects.restrict(actor, "view").filter(pk=infector.pk).exists():
        raise error("infector", _("No such case in your area."), "not_visible")
    if not actor.has_perm("tracing.add_link"):
        raise PermissionDenied(_("Your role cannot link cases."))
    if evidence not in LinkEvidence.values:
        raise error("evidence", _("Choose the evidence for the link."))
    if infector.pk == infectee.pk:
        raise error("infector", _("A case cannot infect itself."), "self")
    if infector.disease_id != infectee.disease_id:
        raise error(
            "infector",
            _("%(infector)s is a case of another disease than %(infectee)s.")
            % {"infector": infector, "infectee": infectee},
            "other_disease",
        )
    if _creates_cycle(infector.pk, infectee.pk):
        raise error(
            "infector",
            _("%(infectee)s is already an ancestor of %(infector)s: the link would be a cycle.")
            % {"infectee": infectee, "infector": infector},
            "cycle",
        )
    if cluster is not None and not Cluster.objects.restrict(actor).filter(pk=cluster.pk).exists():
        raise error("cluster", _("No such cluster in your area."), "not_visible")


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
    first link is ``tracing.linked``. The refusals are ``check_link``'s.
    """
    check_link(infector, infectee, actor=actor, evidence=evidence, cluster=cluster)
    with transaction.atomic():
        link = Link.objects.select_for_update().filter(infectee=infectee).first()
        corrected = link is not None
        if link is None:
            link = Link(infectee=infectee, jurisdiction_id=infectee.jurisdiction_id)
        before = link.infector_id if corrected else None
        link.infector, link.evidence, link.setting = infector, evidence, setting or ""
        link.cluster, link.contact, link.note = cluster, contact, (note or "").strip()[:500]
        link.recorded_at = clock.now()  # a correction is known from now on (decision 0030)
        link.created_by = actor if getattr(actor, "pk", None) else None
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError as exc:
            raise conflict(
                "infectee", _("This case was linked a moment ago."), "duplicate"
            ) from exc
        ensure_allowed(actor, link, "view")
        record_event(
            LINK_CORRECTED if corrected else LINKED,
            message(
                gettext_noop("%(infector)s → %(infectee)s (%(evidence)s)"),
                {
                    "infector": case_name(infector),
                    "infectee": case_name(infectee),
                    "evidence": LinkEvidence(evidence).label,
                },
            ),
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
        raise error("name", _("Name the cluster."), "required")
    ensure_allowed(actor, jurisdiction, "view")
    if Cluster.objects.filter(jurisdiction=jurisdiction, name=name).exists():
        raise error("name", _("A cluster of this name exists already."), "duplicate")
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
            CLUSTER_CREATED,
            message(gettext_noop("Cluster %(name)s"), {"name": name}),
            jurisdiction_code=jurisdiction.code,
            subject=cluster,
            actor=actor,
        )
    return cluster
