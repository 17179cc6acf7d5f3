"""Switching a jurisdiction between peacetime and emergency mode (平急转换)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.geo.models import Jurisdiction

from .choices import Mode, ResponseLevel
from .models import ModeSwitch
from .modes import ModeInForce, mode_for


def _check(mode: str, level: str, reason: str) -> None:
    errors = {}
    if mode not in Mode.values:
        errors["mode"] = _("Choose peacetime or emergency.")
    elif mode == Mode.EMERGENCY and level not in ResponseLevel.values:
        errors["level"] = _("Emergency mode needs a response level (I to IV).")
    elif mode == Mode.PEACETIME and level:
        errors["level"] = _("Peacetime has no response level.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the mode is switched.")
    if errors:
        raise ValidationError(errors)


def do_switch_mode(
    jurisdiction: Jurisdiction,
    *,
    mode: str,
    level: str = "",
    reason: str,
    actor,
    effective_at=None,
) -> ModeSwitch:
    """Put a jurisdiction (and every level below it without a switch of its own) in a mode.

    Emergency mode carries a response level, I the highest (国家突发公共卫生事件应急预案 §1.3);
    peacetime carries none. A switch to the mode and level already in force there — its own or
    inherited from above — is refused: it would add a decision that changes nothing. The switch
    is recorded with who, when and why, and the history is never edited.
    """
    level = level or ""
    _check(mode, level, reason)
    if actor is None or not actor.has_perm("command.add_modeswitch"):
        raise PermissionDenied(_("Your role does not switch response modes."))
    if not Jurisdiction.objects.restrict(actor).filter(code=jurisdiction.code).exists():
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    effective_at = effective_at or timezone.now()
    if timezone.is_naive(effective_at):
        effective_at = timezone.make_aware(effective_at)
    current = mode_for(jurisdiction, effective_at)
    if (current.mode, current.level) == (mode, level):
        message = _("%(name)s is already in this mode: %(label)s.") % {
            "name": jurisdiction.name,
            "label": current.label,
        }
        if current.inherited_from is not None:
            message += " " + _("(inherited from %(name)s)") % {"name": current.inherited_from.name}
        raise ValidationError({"mode": message})
    with transaction.atomic():
        switch = ModeSwitch(
            jurisdiction=jurisdiction,
            mode=mode,
            level=level,
            reason=reason.strip(),
            decided_by=actor if getattr(actor, "pk", None) else None,
            effective_at=effective_at,
        )
        switch.full_clean()
        switch.save()
        ensure_allowed(actor, switch, "add")
        record_event(
            "command.mode_switched",
            _("%(name)s switched to %(label)s")
            % {
                "name": jurisdiction.name,
                "label": ModeInForce(mode, level, None, None, None).label,
            },
            jurisdiction_code=jurisdiction.code,
            subject=switch,
            payload={
                "mode": mode,
                "level": level,
                "reason": switch.reason,
                "effective_at": effective_at.isoformat(),
                "previous": {
                    "mode": current.mode,
                    "level": current.level,
                    "inherited_from": getattr(current.inherited_from, "code", None),
                },
            },
            actor=actor,
        )
    return switch


def do_record_meeting(
    jurisdiction: Jurisdiction,
    *,
    title: str,
    held_at,
    attendees: str,
    minutes: str,
    actor,
    body: str = "",
    chaired_by: str = "",
    now=None,
):
    """Record a meeting of a jurisdiction's headquarters: when, who attended, what was decided.

    The decisions to carry out are then issued as directives (``tasks.actions.do_issue_directive``
    with ``meeting=``), each becoming tasks of the levels below. A meeting cannot be dated in the
    future: the minutes record what happened.
    """
    from .choices import HeadquartersLevel
    from .models import Meeting

    now = now or timezone.now()
    if actor is None or not actor.has_perm("command.add_meeting"):
        raise PermissionDenied(_("Your role does not record headquarters meetings."))
    if not Jurisdiction.objects.restrict(actor).filter(code=jurisdiction.code).exists():
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    if held_at is not None and timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the meeting a title.")
    if held_at is None:
        errors["held_at"] = _("Say when the meeting was held.")
    elif held_at > now:
        errors["held_at"] = _("A meeting is recorded after it was held, not before.")
    if not (attendees or "").strip():
        errors["attendees"] = _("List who attended.")
    if not (minutes or "").strip():
        errors["minutes"] = _("Write the minutes: what was decided.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting(
            jurisdiction=jurisdiction,
            body=body or HeadquartersLevel.HEADQUARTERS,
            title=title.strip(),
            held_at=held_at,
            chaired_by=(chaired_by or "").strip(),
            attendees=attendees.strip(),
            minutes=minutes.strip(),
            created_by=actor,
            created_at=now,
        )
        meeting.full_clean()
        meeting.save()
        ensure_allowed(actor, meeting, "add")
        event = record_event(
            "command.meeting_held",
            _("%(body)s meeting: %(title)s")
            % {"body": meeting.get_body_display(), "title": meeting.title},
            jurisdiction_code=jurisdiction.code,
            subject=meeting,
            payload={"held_at": held_at.isoformat(), "attendees": len(meeting.attendee_list)},
            actor=actor,
        )
        type(event).objects.filter(pk=event.pk).update(time=held_at)
    return meeting
