"""Issuing a directive: one task per receiver (a jurisdiction or one of its departments)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, record_on
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..choices import Department, TaskKind
from ..contracts import DIRECTIVE_ISSUED
from ..models import Directive
from .issuing import below_error, future_error, issuer_of, require
from .work import do_create_task


def do_issue_directive(
    *,
    actor,
    title: str,
    text: str,
    receivers,
    deadline,
    meeting=None,
    jurisdiction=None,
    number: str = "",
    now=None,
    departments=(),
) -> Directive:
    """Issue a directive from a level (or a meeting of its headquarters) to levels below it.

    Every receiver gets a task (kind ``directive``) with the directive's deadline, so each level
    answers for its own part (压实属地责任) and reports back with evidence that the issuing level
    verifies. A receiver outside the issuing level's subtree, a past deadline, an empty text or a
    meeting of another jurisdiction is refused with the field it concerns, and nothing is written.

    A receiver is a jurisdiction (its whole government) or a ``(jurisdiction, department)`` pair:
    a headquarters orders lower levels *or departments* (its own, or a lower level's). With
    ``departments`` every plain jurisdiction receiver is sent to each of those departments. The
    task stays owned by the jurisdiction (scope and verification follow the tree) and carries the
    department; an unknown department is a field error.
    """
    now = now or clock.now()
    require(actor, "tasks.add_directive", _("Your role does not issue directives."))
    issuer = _issuer(actor, jurisdiction, meeting)
    pairs = _checked_receivers(
        issuer,
        receivers,
        departments,
        title=title,
        text=text,
        meeting=meeting,
        deadline=deadline,
        now=now,
    )
    with transaction.atomic():
        directive = Directive(
            jurisdiction=issuer,
            meeting=meeting,
            number=(number or "").strip(),
            title=title.strip(),
            text=text.strip(),
            deadline=aware(deadline),
            issued_by=actor,
            issued_at=now,
        )
        directive.full_clean()
        directive.save()
        ensure_allowed(actor, directive, "add")
        _issue_tasks(directive, pairs, actor=actor, now=now)
    return directive


def _issuer(actor, jurisdiction, meeting) -> Jurisdiction:
    """The issuing level: the one given, else the meeting's, else the actor's own.

    A directive minuted at a meeting is issued by the headquarters that held it, so the meeting
    names the level when none is given; a meeting the actor cannot see is refused as outside
    their area.
    """
    if meeting is not None:
        from pingji.command.models import Meeting

        if not Meeting.objects.restrict(actor).filter(pk=meeting.pk).exists():
            raise PermissionDenied(_("This meeting is outside your area."))
        jurisdiction = jurisdiction or meeting.jurisdiction
    return issuer_of(actor, jurisdiction)


def _checked_receivers(
    issuer: Jurisdiction, receivers, departments, *, title, text, meeting, deadline, now
) -> list[tuple]:
    """The receivers as ``(jurisdiction, department)`` pairs, once everything else is good.

    Every problem is collected before any is reported — title, text, meeting, deadline and each
    receiver outside the issuing level — so the form shows them all at once and nothing is
    written while one remains.
    """
    errors: dict[str, list[str]] = {}
    pairs = _pairs(receivers, departments, errors)
    if not (title or "").strip():
        errors["title"] = [_("Give the directive a title.")]
    if not (text or "").strip():
        errors["text"] = [_("Say what is to be done.")]
    if meeting is not None and meeting.jurisdiction_id != issuer.code:
        errors["meeting"] = [_("The meeting was not held by the issuing jurisdiction.")]
    message = future_error(deadline, now)
    if message:
        errors["deadline"] = [message]
    if not pairs:
        errors["receivers"] = [_("Choose at least one receiving jurisdiction.")]
    outside = [m for m in (below_error(issuer, r) for r in _owners(pairs)) if m]
    if outside:
        errors.setdefault("receivers", []).extend(outside)
    if errors:
        raise ValidationError(errors)
    return pairs


def _owners(pairs: list[tuple]) -> list:
    """The distinct receiving jurisdictions, in order: a jurisdiction named with two of its
    departments is one receiver of the directive, though it gets a task for each."""
    return list(dict.fromkeys(r for r, _department in pairs))


def _issue_tasks(directive: Directive, pairs: list[tuple], *, actor, now) -> None:
    """One task per receiver, then the directive's event naming them all.

    Each receiver answers for its own part through its own task (evidence, verification and
    escalation as for any task); the event is recorded after them, in the issuing jurisdiction,
    so the directive's timeline starts with every task already in place.
    """
    for receiver, department in pairs:
        do_create_task(
            actor=actor,
            title=directive.title,
            jurisdiction=receiver,
            department=department,
            deadline=directive.deadline,
            kind=TaskKind.DIRECTIVE,
            description=directive.text,
            source=directive,
            now=now,
        )
    owners = _owners(pairs)
    record_on(
        directive,
        DIRECTIVE_ISSUED,
        message(
            gettext_noop("Directive issued to %(n)d jurisdictions: %(title)s"),
            {"n": len(owners), "title": directive.title},
        ),
        actor=actor,
        payload={
            "receivers": [r.code for r in owners],
            "departments": [[r.code, d] for r, d in pairs if d],
            "deadline": directive.deadline.isoformat(),
            "meeting": directive.meeting_id,
        },
        at=now,
        jurisdiction_code=directive.jurisdiction_id,
    )


def _pairs(receivers, departments, errors: dict) -> list[tuple]:
    """Receivers as distinct ``(jurisdiction, department)`` pairs; ``""`` is the whole government.

    Unknown departments go to ``errors`` (under ``departments`` or ``receivers``, where given).
    """
    known = set(Department.values)
    departments = list(dict.fromkeys(departments or ()))
    bad = [d for d in departments if d not in known]
    if bad:
        errors["departments"] = [_unknown(d) for d in bad]
    pairs = []
    for item in receivers or ():
        if isinstance(item, (tuple, list)):
            jurisdiction, department = item
            department = department or ""
            if department and department not in known:
                errors.setdefault("receivers", []).append(_unknown(department))
            pairs.append((jurisdiction, department))
        else:
            pairs.extend((item, d) for d in departments or [""])
    return list(dict.fromkeys(pairs))


def _unknown(department) -> str:
    return _("%(value)s is not a department a directive can go to.") % {
        "value": str(department)[:30]
    }
