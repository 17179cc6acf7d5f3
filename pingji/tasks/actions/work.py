"""Task transitions: one transaction each, one domain event each, scope re-checked before commit.

Views, the API and other domains call these and nothing else to change a task (writes through
actions, docs/architecture.md). Refusals come in three kinds, so every caller can answer them the
same way:

- ``PermissionDenied`` — the task or the owner lies outside the actor's area (answered 404);
- ``Refused`` (a ``PermissionDenied``) — the actor sees the task but it is not theirs to act on,
  e.g. the owner trying to verify its own work (answered 403 with the reason);
- ``ValidationError`` keyed by field — bad input (400);
- ``Conflict`` (a ``ValidationError``) — a step the task's status no longer allows, e.g. evidence
  for a task verified meanwhile (409, docs/decisions/0038).
"""

from pathlib import PurePath

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ScopedModel, ensure_allowed
from pingji.core.actions import Conflict, aware, locked, record_on
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from .. import rules
from ..choices import OWNER_STATUSES, TaskKind, TaskStatus
from ..contracts import CANCELLED, CREATED, ESCALATED, RETURNED, SUBMITTED, VERIFIED
from ..evidence import MAX_EVIDENCE_FILES, file_error, sniff
from ..models import EvidenceFile, Task


class Refused(PermissionDenied):
    """The actor sees the task, but this step belongs to someone else (see ``rules``)."""


def _locked_visible(task: Task, actor, action: str = "view") -> Task:
    """The task row, locked for this transaction; outside the actor's area is PermissionDenied."""
    return locked(task, actor, action, outside=_("This task is outside your area."))


def resolve_source(type_label: str, object_id: str) -> models.Model | None:
    """``"app_label.model"`` and an id → the object a task is attached to (both blank: None)."""
    type_label, object_id = (type_label or "").strip(), str(object_id or "").strip()
    if not type_label and not object_id:
        return None
    missing = ValidationError({"source": _("The source object was not found.")})
    try:
        model = apps.get_model(type_label)
        return model._default_manager.get(pk=object_id)
    except (LookupError, ValueError, ValidationError, models.ObjectDoesNotExist):
        raise missing from None


def _source_error(actor, source) -> str | None:
    if source is None:
        return None
    if not isinstance(source, models.Model) or source.pk is None:
        return _("The source must be a saved object.")
    if isinstance(source, ScopedModel):
        if not type(source).objects.restrict(actor).filter(pk=source.pk).exists():
            return _("The source object was not found.")  # as if absent: nothing leaks
    return None


def _assignee_error(assignee, owner: Jurisdiction) -> str | None:
    if assignee is None:
        return None
    if not assignee.is_active or not (assignee.jurisdiction_id or "").startswith(owner.code):
        return _("%(user)s does not work in %(owner)s or a level below it.") % {
            "user": assignee.get_username(),
            "owner": owner.name,
        }
    if not assignee.has_perm("tasks.change_task"):
        return _("%(user)s's role cannot work on tasks.") % {"user": assignee.get_username()}
    return None


def do_create_task(
    *,
    actor,
    title: str,
    jurisdiction: Jurisdiction,
    deadline,
    kind: str = TaskKind.GENERAL,
    description: str = "",
    assignee=None,
    source: models.Model | None = None,
    now=None,
    department: str = "",
) -> Task:
    """Issue a work item to the actor's own jurisdiction or a level below it.

    A level may assign work to itself and to the levels under it, never upward or sideways: such an
    owner is refused as outside the actor's area (404) and nothing is written. The assignee, if any,
    must work in the owner's subtree and hold a role that works on tasks; the deadline must lie in
    the future. ``source`` attaches the task to a domain object (a case, a placement, an area).
    ``now`` (default: the clock) is when it is issued — a replay of past events passes their time.
    ``department`` names the owner's line department that carries it out (a directive to one).
    """
    now = now or clock.now()
    task = _checked_task(
        actor,
        Task(
            kind=kind,
            title=(title or "").strip(),
            description=(description or "").strip(),
            jurisdiction=jurisdiction,
            department=department or "",
            assignee=assignee,
            deadline=aware(deadline),
            created_by=actor,
            created_at=now,
        ),
        source,
        now,
    )
    with transaction.atomic():
        task.save()
        ensure_allowed(actor, task, "add")
        record_on(
            task,
            CREATED,
            message(
                gettext_noop("Task issued to %(owner)s: %(title)s"),
                {"owner": jurisdiction.name, "title": task.title},
            ),
            actor=actor,
            payload={
                "owner": jurisdiction.code,
                "deadline": task.deadline.isoformat(),
                "assignee": assignee.get_username() if assignee else "",
                "kind": task.kind,
            },
            at=now,
        )
    return task


def _checked_task(actor, task: Task, source: models.Model | None, now) -> Task:
    """The unsaved task with its source attached, or every problem of it at once, by field.

    An owner outside the actor's reach is refused first, as outside the area (404): nothing about
    it is checked further. The other checks — deadline, assignee, source and the model's own — all
    run before any is reported, so a form shows each wrong field together instead of one per
    submit. A source the actor does not see is not attached: the refusal reads as if it did not
    exist, and nothing leaks.
    """
    owner = task.jurisdiction if task.jurisdiction_id else None
    if owner is None:
        raise ValidationError({"jurisdiction": _("Choose the jurisdiction that owns the task.")})
    if not rules.may_create_for(actor, owner.code):
        raise PermissionDenied(
            _("%(owner)s is not in your area: work goes to your own level or those below it.")
            % {"owner": owner.name}
        )
    errors: dict[str, list[str]] = {}
    if task.deadline is not None and task.deadline <= now:
        errors["deadline"] = [_("The deadline must be in the future.")]
    for field, problem in (
        ("assignee", _assignee_error(task.assignee, owner)),
        ("source", _source_error(actor, source)),
    ):
        if problem:
            errors[field] = [problem]
    if source is not None and "source" not in errors:
        task.source = source
    try:
        task.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return task


def _evidence_errors(evidence: str, file, files) -> dict:
    errors = {"evidence": None if evidence else _("Say what was done.")}
    if file is not None:
        errors["file"] = file_error(file)
    if len(files) > MAX_EVIDENCE_FILES:
        errors["files"] = _("At most %(n)d files at a time.") % {"n": MAX_EVIDENCE_FILES}
    else:
        found = [m for m in (file_error(f) for f in files) if m]
        errors["files"] = " ".join(found) if found else None
    return {k: v for k, v in errors.items() if v}


def do_submit_evidence(task: Task, *, actor, evidence: str, file=None, files=(), now=None) -> Task:
    """The owner jurisdiction's user or the assignee reports the work done, for verification.

    The text says what was done; files (photos, scans) are optional: ``file`` goes on the task
    itself, ``files`` (several) become ``EvidenceFile`` rows. Every file is checked by its content,
    not its name (``tasks.evidence``). Resubmitting after a return replaces the text and, when a
    new file comes, the file; older files stay in storage as part of the record. If anything is
    refused, nothing is kept — neither the row nor any stored file.
    """
    evidence = (evidence or "").strip()
    files = list(files or ())
    now = now or clock.now()
    stored: list[tuple] = []
    try:
        with transaction.atomic():
            task = _locked_visible(task, actor)
            if task.status not in OWNER_STATUSES:
                raise Conflict(
                    {
                        "status": _("A task that is %(status)s takes no evidence.")
                        % {"status": task.get_status_display()}
                    }
                )
            if not rules.may_submit(actor, task):
                raise Refused(_("Evidence comes from the owner jurisdiction or the assignee."))
            errors = _evidence_errors(evidence, file, files)
            if errors:
                raise ValidationError(errors)
            if file is not None:
                task.evidence_file = file
            task.evidence, task.status = evidence, TaskStatus.SUBMITTED
            task.submitted_by, task.submitted_at = actor, now
            task.save()
            if file is not None and task.evidence_file.name:
                stored.append((task.evidence_file.storage, task.evidence_file.name))
            names = _store_files(task, files, actor=actor, now=now, stored=stored)
            ensure_allowed(actor, task, "change")
            record_on(
                task,
                SUBMITTED,
                message(gettext_noop("Evidence submitted: %(title)s"), {"title": task.title}),
                actor=actor,
                payload={
                    "evidence": evidence[:500],
                    "file": task.evidence_file.name or "",
                    "files": names,
                },
                at=now,
            )
    except Exception:
        for storage, name in stored:  # the rows rolled back; do not leave their files behind
            storage.delete(name)
        raise
    return task


def _store_files(task: Task, files, *, actor, now, stored: list[tuple]) -> list[str]:
    """Keep each uploaded file as an ``EvidenceFile`` of the task; the names, for the event.

    Each stored file is noted in ``stored`` as soon as it is written, before its row is: storage
    is not part of the transaction, so the caller deletes what is listed there if anything later
    fails and the rows roll back.
    """
    names = []
    for upload in files:
        row = EvidenceFile(
            task=task,
            name=PurePath(upload.name).name[:200],
            content_type=sniff(upload),
            size=upload.size,
            uploaded_by=actor,
            uploaded_at=now,
        )
        row.file.save(upload.name, upload, save=False)
        stored.append((row.file.storage, row.file.name))
        row.save()
        names.append(row.name)
    return names


def _overseer_step(task: Task, actor) -> Task:
    """Lock the task and check the actor may verify or send it back (``rules.may_verify``)."""
    task = _locked_visible(task, actor)
    if task.status != TaskStatus.SUBMITTED:
        raise Conflict(
            {
                "status": _("Only submitted evidence can be checked; this task is %(status)s.")
                % {"status": task.get_status_display()}
            }
        )
    if not rules.may_verify(actor, task):
        if task.submitted_by_id == actor.pk:
            raise Refused(_("You submitted this evidence; someone else verifies it."))
        raise Refused(_("The level that issued or oversees a task verifies it, not its owner."))
    return task


def do_verify_task(task: Task, *, actor, note: str = "", now=None) -> Task:
    """The overseeing level accepts the evidence and closes the task (对账销号)."""
    with transaction.atomic():
        task = _overseer_step(task, actor)
        task.status, task.verification_note = TaskStatus.DONE, (note or "").strip()
        task.verified_by, task.verified_at = actor, now or clock.now()
        task.save()
        ensure_allowed(actor, task, "verify")
        record_on(
            task,
            VERIFIED,
            message(gettext_noop("Verified and closed: %(title)s"), {"title": task.title}),
            actor=actor,
            payload={"note": task.verification_note},
            at=now,
        )
    return task


def do_return_task(task: Task, *, actor, note: str, now=None) -> Task:
    """The overseeing level sends the evidence back; the note tells the owner what is missing."""
    note = (note or "").strip()
    with transaction.atomic():
        task = _overseer_step(task, actor)
        if not note:
            raise ValidationError(
                {"note": _("Say what is missing, so the owner can put it right.")}
            )
        task.status, task.verification_note = TaskStatus.RETURNED, note
        task.save()
        ensure_allowed(actor, task, "verify")
        record_on(
            task,
            RETURNED,
            message(gettext_noop("Sent back: %(title)s"), {"title": task.title}),
            actor=actor,
            payload={"note": note},
            at=now,
        )
    return task


def do_cancel_task(task: Task, *, actor, note: str) -> Task:
    """The issuing or overseeing level withdraws a task that is no longer needed, saying why."""
    note = (note or "").strip()
    with transaction.atomic():
        task = _locked_visible(task, actor)
        if task.status not in (*OWNER_STATUSES, TaskStatus.SUBMITTED):
            raise Conflict(
                {
                    "status": _("A task that is %(status)s cannot be cancelled.")
                    % {"status": task.get_status_display()}
                }
            )
        if not rules.may_cancel(actor, task):
            raise Refused(_("The level that issued or oversees a task cancels it, not its owner."))
        if not note:
            raise ValidationError({"note": _("Say why the task is cancelled.")})
        task.status, task.verification_note = TaskStatus.CANCELLED, note
        task.save()
        ensure_allowed(actor, task, "verify")
        record_on(
            task,
            CANCELLED,
            message(gettext_noop("Cancelled: %(title)s"), {"title": task.title}),
            actor=actor,
            payload={"note": note},
        )
    return task


def do_escalate_overdue(now=None) -> dict[str, int]:
    """Escalate overdue tasks one level up the tree (挂牌督办); run it from a scheduler.

    The rule: a task still with its owner (open or sent back) escalates first when its deadline
    passes, to the owner's parent; from then on it climbs one more level each time another
    *escalation period* passes without the work being submitted — from the jurisdiction watching it
    (``escalated_to``) to that one's parent. The period is the time the task was given (deadline −
    creation), so a 24-hour dispatch (``protocols.rules.dispatch``) climbs a level a day; never less
    than ``models.MIN_ESCALATION_PERIOD``. One run moves a task at most one level and only when the
    period is over, so running it again within the period changes nothing. A task whose watcher is
    the top of the tree stays there. Submitted tasks wait on the verifying level and do not
    escalate.

    Returns counts: ``overdue`` (looked at), ``escalated``, ``waiting`` (escalated within the
    current period) and ``at_top``.
    """
    now = now or clock.now()
    counts = {"overdue": 0, "escalated": 0, "waiting": 0, "at_top": 0}
    overdue = (
        Task.objects.filter(status__in=OWNER_STATUSES, deadline__lt=now)
        .select_related("jurisdiction", "escalated_to")
        .defer("jurisdiction__boundary", "escalated_to__boundary")
        .order_by("id")
    )
    for task in overdue.iterator(chunk_size=500):
        counts["overdue"] += 1
        watcher = task.escalated_to or task.jurisdiction
        if task.next_escalation_at >= now:
            counts["waiting"] += 1
        elif watcher.parent_id is None:
            counts["at_top"] += 1
        elif _escalate_one(task.pk, watcher, now):
            counts["escalated"] += 1
    return counts


def _escalate_one(pk: int, watcher: Jurisdiction, now) -> bool:
    """Move one task from ``watcher`` to its parent, unless a concurrent run already did."""
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=pk, status__in=OWNER_STATUSES).first()
        if task is None or task.watcher_id != watcher.code:
            return False
        parent = Jurisdiction.objects.only("code", "name").get(code=watcher.parent_id)
        task.escalated_to, task.escalated_at = parent, now
        task.save(update_fields=["escalated_to", "escalated_at"])
        # Dated at the run's "now", so a replay (``pingji escalate --now``) reads true.
        record_on(
            task,
            ESCALATED,
            message(
                gettext_noop("Overdue, escalated to %(to)s: %(title)s"),
                {"to": parent.name, "title": task.title},
            ),
            payload={
                "from": watcher.code,
                "to": parent.code,
                "deadline": task.deadline.isoformat(),
            },
            at=now,
        )
    return True
