"""Issuing a directive: one task per receiver (a jurisdiction or one of its departments)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed

from ..choices import Department, TaskKind
from ..models import Directive
from .common import aware, below_error, event_at, future_error, issuer_of, require
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
    now = now or timezone.now()
    require(actor, "tasks.add_directive", _("Your role does not issue directives."))
    if meeting is not None:
        from pingji.command.models import Meeting

        if not Meeting.objects.restrict(actor).filter(pk=meeting.pk).exists():
            raise PermissionDenied(_("This meeting is outside your area."))
        jurisdiction = jurisdiction or meeting.jurisdiction
    issuer = issuer_of(actor, jurisdiction)
    errors: dict[str, list[str]] = {}
    receivers = _pairs(receivers, departments, errors)
    if not (title or "").strip():
        errors["title"] = [_("Give the directive a title.")]
    if not (text or "").strip():
        errors["text"] = [_("Say what is to be done.")]
    if meeting is not None and meeting.jurisdiction_id != issuer.code:
        errors["meeting"] = [_("The meeting was not held by the issuing jurisdiction.")]
    message = future_error(deadline, now)
    if message:
        errors["deadline"] = [message]
    if not receivers:
        errors["receivers"] = [_("Choose at least one receiving jurisdiction.")]
    owners = list(dict.fromkeys(r for r, _department in receivers))
    outside = [m for m in (below_error(issuer, r) for r in owners) if m]
    if outside:
        errors.setdefault("receivers", []).extend(outside)
    if errors:
        raise ValidationError(errors)
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
        for receiver, department in receivers:
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
        event_at(
            now,
            "tasks.directive_issued",
            _("Directive issued to %(n)d jurisdictions: %(title)s")
            % {"n": len(owners), "title": directive.title},
            subject=directive,
            code=issuer.code,
            actor=actor,
            receivers=[r.code for r in owners],
            departments=[[r.code, d] for r, d in receivers if d],
            deadline=directive.deadline.isoformat(),
            meeting=meeting.pk if meeting is not None else None,
        )
    return directive


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
