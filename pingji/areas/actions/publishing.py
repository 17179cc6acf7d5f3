"""Publishing the list in force: approved transitions and measure changes take effect, the list
is frozen.

The publication is what the public pages show (decision 0014); an area's level, and a society-wide
measure's setting (decision 0047), change here and nowhere else. Events: ``areas.published`` on
each area, ``areas.measure_published`` on each measure (``measures.apply_change``),
``areas.list_published`` on the list.
"""

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error, not_in_future, record_on
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks

from ..choices import AreaStatus, RiskLevel, TransitionKind, TransitionStatus
from ..contracts import LIST_PUBLISHED, PUBLISHED
from ..models import Checkpoint, Publication, RiskArea, Transition
from . import measures
from .scope import may_act_in


def _apply(t: Transition, at: datetime.datetime, actor) -> None:
    """Put one approved transition in force: the area's level and status, the transition marked
    published, and ``areas.published`` dated by when it takes effect (``effective_at``), which the
    area's own dates follow too, so "areas in force" counts it from that day."""
    area = t.area
    if t.kind == TransitionKind.DESIGNATE:
        area.status, area.effective_from = AreaStatus.ACTIVE, t.effective_at
    if t.to_level:
        if t.kind == TransitionKind.STEP_DOWN:
            area.came_from = area.level
        elif t.kind == TransitionKind.RAISE:
            area.came_from = ""
        area.level = t.to_level
    else:
        area.status, area.lifted_at = AreaStatus.LIFTED, t.effective_at
    area.level_since = t.effective_at
    area.save()
    t.status, t.published_at = TransitionStatus.PUBLISHED, at
    t.save(update_fields=["status", "published_at", "publication"])
    if t.kind in (TransitionKind.STEP_DOWN, TransitionKind.LIFT):
        do_close_rule_tasks(area, actor=actor, note=_("The area was stepped down or lifted."))
    record_on(
        area,
        PUBLISHED,
        message(
            gettext_noop("%(kind)s in force from %(at)s: %(area)s"),
            {
                "kind": TransitionKind(t.kind).label,
                "at": timezone.localtime(t.effective_at),
                "area": area.name,
            },
        ),
        actor=actor,
        at=t.effective_at,
        payload={
            "transition": t.pk,
            "kind": t.kind,
            "from_level": t.from_level,
            "to_level": t.to_level,
            "override": t.override,
        },
    )


def _snapshot_area(area: RiskArea, levels: dict[str, str]) -> dict:
    return {
        "id": area.pk,
        "name": area.name,
        "level": area.level,
        "level_label": levels.get(area.level, area.level),
        "jurisdiction": area.jurisdiction.name,
        "jurisdiction_code": area.jurisdiction_id,
        "extent": [p.name for p in area.places.all()] + [j.name for j in area.jurisdictions.all()],
        "measures": area.measures,
        "legal_basis": area.legal_basis,
        "in_force_from": area.effective_from.isoformat() if area.effective_from else None,
        "level_since": area.level_since.isoformat() if area.level_since else None,
        "status": area.status,
        "lifted_at": area.lifted_at.isoformat() if area.lifted_at else None,
    }


def _snapshot_checkpoint(c: Checkpoint) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "kind": c.kind,
        "status": c.status,
        "rules": c.rules,
        "since": c.since.isoformat(),
        "jurisdiction": c.jurisdiction.name,
    }


@transaction.atomic
def do_publish(
    jurisdiction: Jurisdiction, *, actor, at: datetime.datetime | None = None, note: str = ""
) -> Publication:
    """Publish the approved transitions and measure changes below ``jurisdiction`` and the list
    now in force there.

    The list holds the areas in force and those lifted by this publication, every checkpoint not
    yet lifted (or lifted since the previous list), and the society-wide measures in force and
    those lifted by this publication, each with its effective time. The list's
    event is dated ``at``, when the list was published.
    """
    may_act_in(actor, jurisdiction.pk, "areas.add_publication")
    at = not_in_future(aware(at) or clock.now(), "at")
    todo = list(
        Transition.objects.select_for_update()
        .filter(status=TransitionStatus.APPROVED, jurisdiction__code__within=jurisdiction.pk)
        .select_related("area")
        .order_by("effective_at", "id")
    )
    measure_changes = measures.approved_below(jurisdiction.pk)
    previous = Publication.objects.filter(jurisdiction=jurisdiction).aggregate(
        n=Max("number"), at=Max("published_at")
    )
    if previous["at"] and at < previous["at"]:
        raise error("at", _("A list cannot be published before the previous one."), "before")
    pub = Publication.objects.create(
        jurisdiction=jurisdiction,
        number=(previous["n"] or 0) + 1,
        published_at=at,
        published_by=actor if getattr(actor, "pk", None) else None,
        note=(note or "")[:500],
    )
    lifted_now = []
    for t in todo:
        t.publication = pub
        _apply(t, at, actor)
        if not t.to_level:
            lifted_now.append(t.area_id)
    measures_lifted = []
    for change in measure_changes:
        measures.apply_change(change, pub, at, actor)
        if not change.to_setting:
            measures_lifted.append(change.measure_id)
    _freeze_list(pub, jurisdiction, lifted_now, since=previous["at"] or at)
    pub.measures = measures.freeze_measures(jurisdiction, measures_lifted)
    pub.save(update_fields=["areas", "checkpoints", "measures"])
    record_event(
        LIST_PUBLISHED,
        message(
            gettext_noop("List %(n)s published: %(a)s areas, %(c)s checkpoints"),
            {"n": pub.number, "a": len(pub.areas), "c": len(pub.checkpoints)},
        ),
        jurisdiction_code=jurisdiction.pk,
        subject=pub,
        actor=actor,
        at=at,
        payload={
            "transitions": [t.pk for t in todo],
            "measure_changes": [c.pk for c in measure_changes],
        },
    )
    ensure_allowed(actor, pub, "view")
    return pub


def _freeze_list(pub: Publication, jurisdiction: Jurisdiction, lifted_now, *, since) -> None:
    """The snapshot the public pages show: the areas in force below ``jurisdiction`` and those this
    list lifts, and every checkpoint not lifted before the previous list (``since``).

    A snapshot, not a query: the public pages read what was deliberately published, never a live
    row (``views.public``).
    """
    labels = {k: str(v) for k, v in RiskLevel.choices}
    rows = RiskArea.objects.filter(
        Q(status=AreaStatus.ACTIVE, jurisdiction__code__within=jurisdiction.pk)
        | Q(pk__in=lifted_now)
    ).select_related("jurisdiction")
    pub.areas = [
        _snapshot_area(a, labels) for a in rows.prefetch_related("places", "jurisdictions")
    ]
    checkpoints = Checkpoint.objects.subtree(jurisdiction.pk).select_related("jurisdiction")
    pub.checkpoints = [
        _snapshot_checkpoint(c) for c in checkpoints if c.status != "lifted" or c.since >= since
    ]
