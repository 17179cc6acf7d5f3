"""Rule tasks: work a domain's rule sets, not a person (an investigation's deadline, a card to
file, a dispatch to answer), issued by the domain's own action and closed when the work it stands
for is recorded there. ``rule_task`` and ``issue_rule_tasks`` are the bulk form of
``do_issue_rule_task``: a bulk path builds many and writes them, and their events, at once.
"""

from django.db import models
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.actions import event_on, record_on
from pingji.core.messages import Message, message
from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction

from ..choices import OPEN_STATUSES, Department, TaskStatus
from ..contracts import CREATED, VERIFIED
from ..models import Task


def do_issue_rule_task(
    source: models.Model,
    *,
    actor,
    owner: Jurisdiction,
    kind: str,
    title: str,
    deadline,
    description: str = "",
    department: str = "",
) -> Task:
    """Work a domain rule sets, not a person: an investigation's protocol deadline, say.

    Unlike ``do_create_task`` the deadline may already have passed (a case reported hours before
    its investigation was opened): that is exactly the overdue item escalation must see. The caller
    runs inside its own transaction and has already checked the actor may act on ``source``.
    ``department`` names the owner's department that carries it out (a reopening problem's), so
    supervision counts it under that department.
    """
    task = rule_task(
        source,
        actor=actor,
        owner=owner,
        kind=kind,
        title=title,
        deadline=deadline,
        description=description,
        department=department,
    )
    task.save()
    summary, payload = _created(task)
    record_on(task, CREATED, summary, actor=actor, payload=payload)
    return task


def rule_task(
    source: models.Model,
    *,
    actor,
    owner: Jurisdiction,
    kind: str,
    title: str,
    deadline,
    description: str = "",
    department: str = "",
) -> Task:
    """The work item ``do_issue_rule_task`` writes, unsaved: a bulk path builds many and writes
    them with ``issue_rule_tasks``."""
    if department and department not in Department.values:
        raise ValueError(f"unknown department {department!r}")
    task = Task(
        kind=kind,
        title=title[:200],
        description=description,
        jurisdiction=owner,
        department=department,
        deadline=deadline,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    task.source = source
    return task


def issue_rule_tasks(tasks: list[Task]) -> list[DomainEvent]:
    """Write the ``rule_task``s of a bulk path in one insert and return their ``tasks.created``
    events, for the caller to write with the rest of its batch (``record_events``)."""
    Task.objects.bulk_create(tasks, batch_size=2000)
    events = []
    for task in tasks:
        summary, payload = _created(task)
        events.append(event_on(task, CREATED, summary, actor=task.created_by, payload=payload))
    return events


def _created(task: Task) -> tuple[Message, dict]:
    """The summary and payload of a task's ``tasks.created`` event."""
    owner = task.jurisdiction
    summary = message(
        gettext_noop("Task issued to %(owner)s: %(title)s"),
        {"owner": owner.name, "title": task.title},
    )
    payload = {"owner": owner.code, "deadline": task.deadline.isoformat(), "kind": task.kind}
    return summary, payload


def do_close_rule_tasks(source: models.Model, *, actor, note: str) -> int:
    """Close the open rule tasks of ``source`` once the work they stand for is recorded there."""
    closed = 0
    for task in Task.objects.for_source(source).filter(status__in=OPEN_STATUSES):
        task.status, task.verification_note = TaskStatus.DONE, note
        task.verified_by = actor if getattr(actor, "pk", None) else None
        task.verified_at = clock.now()
        task.save(update_fields=["status", "verification_note", "verified_by", "verified_at"])
        record_on(
            task,
            VERIFIED,
            message(gettext_noop("Verified and closed: %(title)s"), {"title": task.title}),
            actor=actor,
            payload={"note": note},
        )
        closed += 1
    return closed
