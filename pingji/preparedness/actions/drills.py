"""Drill mode's writes (decision 0020): plan, start, script, time, finish and remove a drill.

A drill runs a scripted outbreak in its own sandbox subtree under the drilling county (codes and
the guard that keeps drill data apart: ``preparedness.sandboxes``). Participants then work the
real workflow — cases, investigation, dispatch, quarantine, areas — through the real pages and
actions, on rows that live in the sandbox. A drill with a receiving county (``partner``) opens a
second sandbox under it, where the scripted contact lives: the dispatch between the two sandboxes
runs through the real dispatch workflow on both sides and is drill data on both.
``do_remove_drill_data`` deletes the sandboxes and everything hanging off them; the drill's report
keeps the timings. The drill runs under the protocol version it names (``editions``), bound to its
sandboxes when it starts. A step given a time (its start, a step timed by hand, its end) dates its
event by it; the record time is the clock's (decision 0030).
"""

import datetime
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import Conflict
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.core.models import DomainEvent
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.rule_tasks import do_issue_rule_task

from .. import editions
from ..choices import DrillStatus, DrillStep
from ..contracts import (
    DRILL_FINISHED,
    DRILL_PLANNED,
    DRILL_PROTOCOL_SET,
    DRILL_REMOVED,
    DRILL_STARTED,
    DRILL_STEP_RECORDED,
    FINDING_RECORDED,
)
from ..models import Drill, DrillFinding, DrillStepRecord
from ..sandboxes import COUNTY, is_drill_code, sandbox_grid

if TYPE_CHECKING:
    from pingji.tracing.models import Contact

FINDING_KIND = "preparedness.improve"


def _check(drill: Drill, actor, *statuses) -> None:
    ensure_allowed(actor, drill, "change")
    if drill.status not in statuses:
        raise ValidationError(
            {"status": _("The drill is %(status)s.") % {"status": drill.get_status_display()}}
        )


def _check_partner(partner: Jurisdiction, county: str, actor) -> None:
    """The receiving county is another real county, and the planner sees it too: a drill of two
    counties is planned by a level above both (their city or the province), never by one county
    in another's tree."""
    if len(partner.code) != COUNTY or partner.drill or partner.code == county:
        raise ValidationError(
            {"partner": _("The receiving county is another county than the drilling one.")}
        )
    if not Jurisdiction.objects.restrict(actor, "view").filter(code=partner.code).exists():
        raise ValidationError(
            {
                "partner": _(
                    "A drill with another county is planned by a level that sees both "
                    "(their city or the province)."
                )
            }
        )


def do_plan_drill(data: dict, *, actor) -> Drill:
    """Plan a drill of a county, under a protocol version of its choice (the sandbox is made and
    the version bound to it when it starts)."""
    drill = Drill(**data)
    if drill.jurisdiction_id and len(drill.jurisdiction_id) != COUNTY:
        raise ValidationError({"jurisdiction": _("A drill is run by a county.")})
    if drill.partner is not None:
        _check_partner(drill.partner, drill.jurisdiction_id, actor)
    editions.check_edition(drill, drill.protocol)
    with transaction.atomic():
        drill.full_clean()
        drill.save()
        ensure_allowed(actor, drill, "add")
        record_event(
            DRILL_PLANNED,
            message(gettext_noop("Drill planned: %(d)s"), {"d": drill}),
            jurisdiction_code=drill.jurisdiction_id,
            subject=drill,
            payload={"protocol": drill.protocol_id},
        )
    return drill


def do_set_drill_protocol(drill: Drill, *, protocol, actor) -> Drill:
    """Choose the version a planned drill will run under (None: the one in force at its start).

    Only before it starts: the version is bound to the sandboxes then, and the work done in them
    was judged by it.
    """
    ensure_allowed(actor, drill, "change")
    with transaction.atomic():
        # read under a lock: a start committed meanwhile must win
        status = Drill.objects.select_for_update().values_list("status", flat=True).get(pk=drill.pk)
        if status != DrillStatus.PLANNED:
            raise ValidationError(
                {
                    "protocol": _(
                        "The protocol version is chosen before the drill starts: "
                        "this drill is %(status)s."
                    )
                    % {"status": DrillStatus(status).label}
                }
            )
        editions.check_edition(drill, protocol)
        drill.protocol = protocol
        drill.save(update_fields=["protocol"])
        record_event(
            DRILL_PROTOCOL_SET,
            message(
                gettext_noop("%(d)s runs under %(p)s"),
                {
                    "d": drill,
                    "p": protocol or message(gettext_noop("the protocol in force at its start")),
                },
            ),
            jurisdiction_code=drill.jurisdiction_id,
            subject=drill,
            payload={"protocol": drill.protocol_id},
        )
    return drill


def _open_sandbox(county: Jurisdiction, label: str) -> Jurisdiction:
    """A township ``<county>9NN`` with one community and one grid, every node flagged."""
    used = set(
        Jurisdiction.objects.filter(parent=county, code__startswith=f"{county.code}9").values_list(
            "code", flat=True
        )
    )
    free = [f"{county.code}9{n:02d}" for n in range(1, 100) if f"{county.code}9{n:02d}" not in used]
    if not free:
        raise ValidationError(
            {"sandbox": _("%(county)s has no free drill sandbox code.") % {"county": county}}
        )
    flags = {
        "name": label[:100],
        "drill": True,
        "reporting_unit_id": county.reporting_unit_id,
    }
    town = Jurisdiction.objects.create(code=free[0], level=Level.TOWNSHIP, parent=county, **flags)
    community = Jurisdiction.objects.create(
        code=f"{town.code}001", level=Level.COMMUNITY, parent=town, **flags
    )
    Jurisdiction.objects.create(
        code=f"{community.code}001", level=Level.GRID, parent=community, **flags
    )
    return town


def do_start_drill(drill: Drill, *, actor, at=None) -> Drill:
    """Open the drill's sandbox under the county, and one under the receiving county if any, and
    bind the drill's protocol version to them (the one in force for the county if none chosen).

    The receiving sandbox starts with the scenario's one resident there — the contact the drill
    will dispatch (``do_inject_contact``) — written by the script, as the sandbox itself is: the
    drilling county cannot register a person in another county's tree, and need not. Its version
    is bound the same way, by the drill that opened it.
    """
    from pingji.people.models import Person

    _check(drill, actor, DrillStatus.PLANNED)
    at = at or clock.now()
    protocol = editions.edition_at_start(drill, at)
    label = _("Drill: %(title)s") % {"title": drill.title}
    try:
        with transaction.atomic():
            town = _open_sandbox(drill.jurisdiction, label)
            drill.sandbox, drill.sandbox_code = town, town.code
            drill.status, drill.started_at, drill.protocol = DrillStatus.RUNNING, at, protocol
            fields = ["sandbox", "sandbox_code", "status", "started_at", "protocol"]
            if drill.partner is not None:
                drill.partner_sandbox_code = _open_sandbox(drill.partner, label).code
                Person.objects.create(
                    name=_("Drill contact"), jurisdiction=sandbox_grid(drill.partner_sandbox_code)
                )
                fields.append("partner_sandbox_code")
            editions.bind_sandboxes(drill, protocol, at, actor=actor)
            drill.save(update_fields=fields)
            record_event(
                DRILL_STARTED,
                message(gettext_noop("Drill started: %(d)s"), {"d": drill}),
                jurisdiction_code=drill.jurisdiction_id,
                subject=drill,
                payload={
                    "sandbox": town.code,
                    "partner_sandbox": drill.partner_sandbox_code,
                    "protocol": protocol.pk,
                },
                at=at,
            )
    except Exception:
        drill.refresh_from_db()  # the caller's object goes back to what the database holds
        raise
    return drill


def do_inject_case(drill: Drill, *, actor, at=None, name: str = "", onset_days: int = 2):
    """The scripted outbreak's index case, reported through the real ``do_report_case``.

    A person without an identity number is registered in the sandbox grid and reported as a
    confirmed mild case found in community screening; the actor needs the real permissions.
    """
    from pingji.cases.actions.reports import do_report_case
    from pingji.people.actions.persons import do_create_person

    _check(drill, actor, DrillStatus.RUNNING)
    at = at or clock.now()
    with transaction.atomic():
        person = do_create_person(
            actor=actor,
            name=name or _("Drill index case"),
            jurisdiction=sandbox_grid(drill.sandbox_code),
        )
        case = do_report_case(
            actor=actor,
            person=person,
            classification="confirmed",
            severity="mild",
            channel="community_screening",
            reported_at=at,
            onset_date=timezone.localtime(at).date() - datetime.timedelta(days=onset_days),
            sampled_at=at - datetime.timedelta(hours=6),
            disease=drill.disease_id,
            notes=_("Drill case (scripted): %(d)s") % {"d": drill},
        )
    return case


def do_inject_contact(drill: Drill, *, actor) -> "Contact":
    """The scripted close contact who lives in the receiving county, dispatched there for real.

    Added to the index case's investigation through tracing's own ``create_contact``, which
    dispatches a contact living in another county at once (``do_dispatch_person``, decision 0008):
    the dispatch lands in the receiving sandbox, so the receiving county's operators acknowledge,
    locate and control the person in their real dispatch inbox, and the report times it.
    """
    from pingji.people.models import Person
    from pingji.tracing.actions.contacts import create_contact
    from pingji.tracing.models import Investigation

    _check(drill, actor, DrillStatus.RUNNING)
    if not drill.partner_sandbox_code:
        raise ValidationError(
            {"partner": _("This drill has no receiving county: time the dispatch by hand.")}
        )
    if not actor.has_perm("tracing.add_dispatch"):  # else the contact would stay undispatched
        raise ValidationError({"partner": _("Your role cannot dispatch persons.")})
    investigation = (
        Investigation.objects.restrict(actor, "change")
        .filter(jurisdiction__code__startswith=drill.sandbox_code)
        .select_related("case")
        .order_by("opened_at")
        .first()
    )
    if investigation is None:
        raise ValidationError(
            {"investigation": _("Open the investigation of the drill's case first.")}
        )
    person = Person.objects.filter(
        jurisdiction__code__startswith=drill.partner_sandbox_code
    ).first()
    if person is None:
        raise ValidationError({"partner": _("The receiving sandbox has no resident left.")})
    with transaction.atomic():
        return create_contact(
            investigation,
            actor=actor,
            person=person,
            tier="close_contact",
            setting="household",
            # met the day before the case was reported: inside any protocol's look-back
            last_exposure_at=investigation.case.reported_at - datetime.timedelta(hours=12),
            note=_("Drill contact (scripted): %(d)s") % {"d": drill},
        )


def do_record_drill_step(drill: Drill, *, step: str, done_at, actor) -> DrillStepRecord:
    """Time a step done outside the system or the sandbox's reach (a tabletop's dispatch).

    The event is dated when the step was done (``done_at``), not when it was typed in, so the
    drill's timeline reads in the order things happened (decision 0030).
    """
    _check(drill, actor, DrillStatus.RUNNING)
    if drill.started_at and done_at < drill.started_at:
        raise ValidationError({"done_at": _("The step cannot be done before the drill started.")})
    if DrillStepRecord.objects.filter(drill=drill, step=step).exists():
        raise Conflict({"step": _("This step is already timed.")})
    with transaction.atomic():
        record = DrillStepRecord(
            drill=drill, jurisdiction_id=drill.jurisdiction_id, step=step, done_at=done_at
        )
        record.full_clean()
        record.save()
        record_event(
            DRILL_STEP_RECORDED,
            message(gettext_noop("%(d)s: %(s)s"), {"d": drill, "s": DrillStep(step).label}),
            jurisdiction_code=drill.jurisdiction_id,
            subject=drill,
            payload={"step": step, "done_at": done_at.isoformat()},
            at=done_at,
        )
    return record


def do_finish_drill(drill: Drill, *, actor, at=None) -> Drill:
    """Close the drill and keep its report: each step's time against the protocol deadline."""
    from ..drill_report import drill_report

    _check(drill, actor, DrillStatus.RUNNING)
    with transaction.atomic():
        drill.finished_at = at or clock.now()
        drill.report = drill_report(drill)
        drill.score = drill.report.get("score")
        drill.status = DrillStatus.FINISHED
        drill.save(update_fields=["finished_at", "report", "score", "status"])
        record_event(
            DRILL_FINISHED,
            message(gettext_noop("Drill finished: %(d)s"), {"d": drill}),
            jurisdiction_code=drill.jurisdiction_id,
            subject=drill,
            payload={"score": drill.score},
            at=drill.finished_at,
        )
    return drill


def _purge(queryset, depth: int = 0) -> int:
    """Delete rows and, first, whatever protects them (all of it drill data, by ``guard``)."""
    user_model = apps.get_model("users", "User")
    for _attempt in range(12):
        try:
            return queryset.delete()[0]
        except (ProtectedError, RestrictedError) as exc:
            blockers = (
                exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            )
            by_model: dict = {}
            for obj in blockers:
                if isinstance(obj, user_model) or depth > 8:
                    raise ValidationError(
                        _("A user account or real record still depends on the drill data: %(obj)s")
                        % {"obj": obj}
                    ) from exc
                by_model.setdefault(type(obj), []).append(obj.pk)
            for model, pks in by_model.items():
                _purge(model._base_manager.filter(pk__in=pks), depth + 1)
    raise ValidationError(_("The drill data could not be removed."))


def do_remove_drill_data(drill: Drill, *, actor) -> int:
    """Delete the sandboxes (the drill's, the receiving county's), every row in or hanging off
    them and the protocol version bound to them; the drill and its report stay."""
    _check(drill, actor, DrillStatus.FINISHED)
    code = drill.sandbox_code
    if not is_drill_code(code) or not Jurisdiction.objects.filter(code=code, drill=True).exists():
        raise ValidationError({"sandbox": _("This drill has no sandbox to remove.")})
    codes = [c for c in (code, drill.partner_sandbox_code) if is_drill_code(c)]
    inside = models.Q()
    for c in codes:
        inside |= models.Q(code__startswith=c)
    Task = apps.get_model("tasks", "Task")
    with transaction.atomic():
        removed = sum(_purge(Task.objects.subtree(c)) for c in codes)
        removed += _purge(Jurisdiction.objects.filter(inside, drill=True).order_by("-code"))
        removed += editions.unbind_sandboxes(drill, actor=actor)
        for c in codes:
            removed += DomainEvent.objects.filter(jurisdiction_code__startswith=c).delete()[0]
        drill.status, drill.sandbox = DrillStatus.REMOVED, None
        drill.save(update_fields=["status", "sandbox"])
        record_event(
            DRILL_REMOVED,
            message(gettext_noop("Drill data removed: %(d)s"), {"d": drill}),
            jurisdiction_code=drill.jurisdiction_id,
            subject=drill,
            payload={"rows": removed, "sandboxes": codes},
        )
    return removed


def do_record_finding(drill: Drill, *, text: str, deadline, actor) -> DrillFinding:
    """A weakness the drill showed, with an improvement task for the county (open until fixed)."""
    ensure_allowed(actor, drill, "change")
    if not actor.has_perm("preparedness.add_drillfinding"):
        raise PermissionDenied(_("Your role does not record drill findings."))
    if drill.status == DrillStatus.PLANNED:
        raise ValidationError({"text": _("Findings come from a drill that has run.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Describe what went wrong.")})
    with transaction.atomic():
        finding = DrillFinding.objects.create(
            drill=drill, jurisdiction_id=drill.jurisdiction_id, text=text.strip()[:500]
        )
        finding.task = do_issue_rule_task(
            finding,
            actor=actor,
            owner=drill.jurisdiction,
            kind=FINDING_KIND,
            title=finding.text[:200],
            deadline=deadline,
        )
        finding.save(update_fields=["task"])
        record_event(
            FINDING_RECORDED,
            finding.text[:200],
            jurisdiction_code=drill.jurisdiction_id,
            subject=drill,
            payload={"finding": finding.pk},
        )
    return finding
