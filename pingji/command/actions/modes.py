"""Switching a jurisdiction between peacetime and emergency mode (平急转换)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware
from pingji.core.events import record_event
from pingji.core.messages import Message, message
from pingji.geo.models import Jurisdiction

from ..choices import Mode, ResponseLevel
from ..contracts import MODE_SWITCHED
from ..models import ModeSwitch
from ..modes import ModeInForce, mode_for


def _check(mode: str, level: str, reason: str) -> None:
    """Refuse a mode without its level rule or a switch without a reason, every field at once.

    Emergency mode carries a response level and peacetime none: a level on peacetime would be
    read as a response in force.
    """
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


def _check_actor(actor, jurisdiction: Jurisdiction) -> None:
    """Only a role that switches modes, and only for a jurisdiction inside its own area."""
    if actor is None or not actor.has_perm("command.add_modeswitch"):
        raise PermissionDenied(_("Your role does not switch response modes."))
    if not Jurisdiction.objects.restrict(actor).filter(code=jurisdiction.code).exists():
        raise PermissionDenied(_("This jurisdiction is outside your area."))


def _mode_replaced(jurisdiction: Jurisdiction, mode: str, level: str, at) -> ModeInForce:
    """The mode in force there at ``at``, which the switch replaces; refused if it is the same.

    A switch to the mode and level already in force — own or inherited from above — would add a
    decision that changes nothing; the message names the level it is inherited from, if any.
    """
    current = mode_for(jurisdiction, at)
    if (current.mode, current.level) == (mode, level):
        message = _("%(name)s is already in this mode: %(label)s.") % {
            "name": jurisdiction.name,
            "label": current.label,
        }
        if current.inherited_from is not None:
            message += " " + _("(inherited from %(name)s)") % {"name": current.inherited_from.name}
        raise ValidationError({"mode": message})
    return current


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
    is recorded with who, when and why, and the history is never edited; its event is dated when
    the switch takes effect (``effective_at``, default now), and recorded when it was entered.
    """
    level = level or ""
    _check(mode, level, reason)
    _check_actor(actor, jurisdiction)
    effective_at = aware(effective_at or clock.now())
    current = _mode_replaced(jurisdiction, mode, level, effective_at)
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
        _record_switch(switch, current, actor=actor)
    return switch


def _record_switch(switch: ModeSwitch, previous: ModeInForce, *, actor) -> None:
    """The event of the switch, with the mode it replaced, dated when it takes effect.

    Its time is ``effective_at`` and its record time the clock's (decision 0030): a switch
    entered after the fact still counts on the day the mode changed, and one entered ahead of
    its start counts from then.
    """
    record_event(
        MODE_SWITCHED,
        message(
            gettext_noop("%(name)s switched to %(label)s"),
            {
                "name": switch.jurisdiction.name,
                "label": _mode_label(switch.mode, switch.level),
            },
        ),
        jurisdiction_code=switch.jurisdiction_id,
        subject=switch,
        payload={
            "mode": switch.mode,
            "level": switch.level,
            "reason": switch.reason,
            "effective_at": switch.effective_at.isoformat(),
            "previous": {
                "mode": previous.mode,
                "level": previous.level,
                "inherited_from": getattr(previous.inherited_from, "code", None),
            },
        },
        actor=actor,
        at=switch.effective_at,
    )


def _mode_label(mode: str, level: str) -> Message:
    """``ModeInForce.label``'s words, translated for each reader of the switch's event."""
    if mode == Mode.EMERGENCY:
        return message(
            gettext_noop("Emergency mode, response level %(level)s"), {"level": level or "—"}
        )
    return message(gettext_noop("Peacetime mode"))
