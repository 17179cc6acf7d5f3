"""Resumption: application with the protocol's checklist, inspection, approval, pauses.

An establishment inside an active sealed or controlled area (``areas.lookup.controls_at``, through
``reopening.controls``), or of a kind a society-wide measure in force closes
(``areas.lookup.measures_at``, docs/decisions/0047-society-wide-measures.md), is not approved.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import Conflict, record_on
from pingji.core.messages import message
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .. import controls
from ..choices import AlertStatus, Status
from ..contracts import APPLIED, INSPECTED, PAUSED, REFUSED, RESUMED
from ..models import (
    Alert,
    Application,
    Establishment,
)
from .registry import MAY_APPLY, _locked, _move, _now


def checklist_for(est: Establishment, on) -> tuple[tuple, str, str]:
    """(items, protocol code, clause) of the resumption checklist in force for the establishment."""
    try:
        protocol = protocol_for(est.jurisdiction_id, on)
    except NoProtocolInForce:
        return (), "", ""
    section = rules.resumption(protocol)
    return section.checklist(est.kind), protocol.code, section.clause


def do_apply(est: Establishment, *, actor, checklist: dict, at=None) -> Application:
    """Apply to resume, declaring which checklist items of the protocol in force are in place."""
    at = _now(at)
    items, code, clause = checklist_for(est, at)
    keys = [i.key for i in items]
    unknown = sorted(set(checklist) - set(keys))
    if unknown:
        raise ValidationError({"checklist": [_("Not on the checklist: %s") % ", ".join(unknown)]})
    with transaction.atomic():
        est = _locked(est, actor)
        if est.status not in MAY_APPLY:
            raise ValidationError(
                {
                    "__all__": [
                        _("Only a closed or paused establishment applies to resume (now: %(s)s).")
                        % {"s": est.get_status_display()}
                    ]
                }
            )
        app = Application.objects.create(
            establishment=est,
            checklist={k: bool(checklist.get(k)) for k in keys},
            protocol=code,
            clause=clause,
            applied_at=at,
            applied_by=actor if getattr(actor, "pk", None) else None,
        )
        _move(est, Status.APPLIED, actor=actor, at=at, clause=clause)
        ensure_allowed(actor, app, "add")
        record_on(
            est,
            APPLIED,
            message(gettext_noop("%(name)s applied to resume"), {"name": est.name}),
            actor=actor,
            at=at,
        )
    return app


def _pending(app: Application, actor) -> tuple[Application, Establishment]:
    est = _locked(app.establishment, actor)
    app = Application.objects.select_for_update().get(pk=app.pk)
    if app.decided_at is not None:
        raise Conflict({"__all__": [_("This application was already decided.")]})
    return app, est


def do_inspect(app: Application, *, actor, passed: bool, note: str = "", at=None) -> Application:
    """Record the on-site inspection; a failed one refuses the application, saying why."""
    at = _now(at)
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": [_("Say what the inspection found missing.")]})
    with transaction.atomic():
        app, est = _pending(app, actor)
        if app.inspected_at is not None:
            raise Conflict({"__all__": [_("This application was already inspected.")]})
        app.inspected_at, app.inspection_passed, app.inspection_note = at, passed, note
        if passed:
            _move(est, Status.INSPECTED, actor=actor, at=at, reason=note, clause=app.clause)
        else:
            app.decided_at, app.approved, app.decision_note = at, False, note
            _move(est, Status.CLOSED, actor=actor, at=at, reason=note, clause=app.clause)
        app.save()
        record_on(
            est,
            INSPECTED,
            message(gettext_noop("%(name)s inspected"), {"name": est.name}),
            actor=actor,
            payload={"passed": passed},
            at=at,
        )
    return app


def approval_errors(app: Application, est: Establishment, at) -> list[str]:
    """Every reason the application cannot be approved now (empty when it can)."""
    errors = []
    if not app.inspection_passed:
        errors.append(_("The establishment must pass the inspection first."))
    if app.missing_items:
        errors.append(_("Checklist items not in place: %s") % ", ".join(app.missing_items))
    try:
        reason = controls.blocking_reason(est, at)
    except ImportError:  # areas' lookup of controls in force absent: never approve blind
        reason = _("The risk-area lookup is not available; approval is refused until it is.")
    if reason:
        errors.append(reason)
    return errors


def do_decide(app: Application, *, actor, approve: bool, note: str = "", at=None) -> Application:
    """Approve (the establishment resumes) or refuse an inspected application.

    Approval is refused while the establishment lies inside an active sealed or controlled area
    (or a high/medium-risk area, ``areas.lookup.controls_at``): the reason names the area and its
    level; or while a society-wide measure in force closes its kind (``measures_at``).
    """
    at = _now(at)
    note = (note or "").strip()
    with transaction.atomic():
        app, est = _pending(app, actor)
        if approve:
            errors = approval_errors(app, est, at)
            if errors:
                raise ValidationError({"__all__": errors})
        elif not note:
            raise ValidationError({"note": [_("Say why the application is refused.")]})
        app.decided_at, app.approved, app.decision_note = at, approve, note
        app.save()
        _move(
            est,
            Status.RESUMED if approve else Status.CLOSED,
            actor=actor,
            at=at,
            reason=note,
            clause=app.clause,
        )
        record_on(
            est,
            RESUMED if approve else REFUSED,
            message(
                gettext_noop("%(name)s resumed") if approve else gettext_noop("%(name)s refused"),
                {"name": est.name},
            ),
            actor=actor,
            payload={"clause": app.clause, "protocol": app.protocol},
            at=at,
        )
    return app


def do_pause(est: Establishment, *, actor, reason: str, at=None) -> Establishment:
    """Pause a working establishment (a case among its people, an inspection finding)."""
    at = _now(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the establishment is paused.")]})
    with transaction.atomic():
        est = _locked(est, actor)
        if not est.is_working and est.status not in (Status.APPLIED, Status.INSPECTED):
            raise ValidationError(
                {"__all__": [_("Only a working or resuming establishment is paused.")]}
            )
        Application.objects.filter(establishment=est, decided_at__isnull=True).update(
            decided_at=at, approved=False, decision_note=reason[:500]
        )
        _move(est, Status.PAUSED, actor=actor, at=at, reason=reason)
        record_on(
            est,
            PAUSED,
            message(gettext_noop("%(name)s paused"), {"name": est.name}),
            actor=actor,
            payload={"reason": reason},
            at=at,
        )
    return est


def do_decide_alert(alert: Alert, *, actor, pause: bool, at=None) -> Alert:
    """Accept the proposal (pause the establishment) or dismiss it."""
    at = _now(at)
    with transaction.atomic():
        alert = (
            Alert.objects.restrict(actor, "change").select_for_update().filter(pk=alert.pk).first()
        )
        if alert is None:
            raise PermissionDenied(_("This alert is outside your area."))
        if alert.status != AlertStatus.PROPOSED:
            raise Conflict({"__all__": [_("This alert was already decided.")]})
        est = alert.establishment
        if pause and est.status != Status.PAUSED:
            do_pause(
                est,
                actor=actor,
                at=at,
                reason=_("A case among its %(role)s") % {"role": alert.get_role_display()},
            )
        alert.status = AlertStatus.PAUSED if pause else AlertStatus.DISMISSED
        alert.decided_at, alert.decided_by = at, actor if getattr(actor, "pk", None) else None
        alert.save()
    return alert
