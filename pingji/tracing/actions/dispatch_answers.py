"""The receiving county's answers to a dispatch (acknowledged, located, controlled, returned,
unreachable) and the sender's export of an out-of-province one.

Only the receiving county answers an open, in-province dispatch; each answer records the event
its new status calls for (``ANSWER_KIND``), dated when the county answered (decision
0030). Sending is ``dispatch``.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.actions import conflict, error, in_future, locked, record_on
from pingji.core.events import events_for
from pingji.core.messages import message
from pingji.core.models import DomainEvent
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks

from ..choices import DispatchOutcome, DispatchStatus
from ..contracts import (
    DISPATCH_ACKNOWLEDGED,
    DISPATCH_CONTROLLED,
    DISPATCH_EXPORTED,
    DISPATCH_LOCATED,
    DISPATCH_RETURNED,
    DISPATCH_UNREACHABLE,
)
from ..dispatch_lists import dispatch_workbook
from ..models import Dispatch
from .dispatch import _now


def _locked(dispatch: Dispatch, actor) -> Dispatch:
    """The dispatch locked for an answer: only the receiving county answers, and only while it is
    open and in the province (an out-of-province one is exported instead)."""
    fresh = locked(
        dispatch, actor, "respond", outside=_("Only the receiving county works this dispatch.")
    )
    if not fresh.is_open:
        raise conflict(
            "status",
            _("This dispatch is closed (%(status)s).") % {"status": fresh.get_status_display()},
            "closed",
        )
    if not fresh.in_province:
        raise error("status", _("An out-of-province dispatch is exported, not answered."))
    return fresh


def _receiver_event(dispatch: Dispatch, actor, at, **payload) -> None:
    """The receiving county's answer, of the kind its new status calls for (``ANSWER_KIND``)."""
    record_on(
        dispatch,
        ANSWER_KIND[dispatch.status],
        message(
            gettext_noop("%(dispatch)s: %(status)s"),
            {
                "dispatch": message(gettext_noop("Dispatch %(number)s"), {"number": dispatch.pk}),
                "status": DispatchStatus(dispatch.status).label,
            },
        ),
        actor=actor,
        payload={"at": at.isoformat(), "sender": dispatch.sender_id, **payload},
        at=at,  # when the county answered, not when the answer was typed (decision 0030)
    )


def do_acknowledge_dispatch(
    dispatch: Dispatch, *, actor, at: datetime.datetime | None = None
) -> Dispatch:
    """The receiving county has seen the dispatch (签收)."""
    at = _now(at)
    with transaction.atomic():
        dispatch = _locked(dispatch, actor)
        if dispatch.status != DispatchStatus.SENT:
            raise conflict("status", _("This dispatch is already acknowledged."), "done")
        dispatch.status, dispatch.acknowledged_at = DispatchStatus.ACKNOWLEDGED, at
        dispatch.handled_by = actor
        dispatch.save(update_fields=["status", "acknowledged_at", "handled_by"])
        _receiver_event(dispatch, actor, at)
    return dispatch


OUTCOME_STATUS: dict[str, str] = {
    DispatchOutcome.LOCATED: DispatchStatus.LOCATED,
    DispatchOutcome.CONTROLLED: DispatchStatus.CONTROLLED,
    DispatchOutcome.UNREACHABLE: DispatchStatus.UNREACHABLE,
    DispatchOutcome.NOT_RESIDENT: DispatchStatus.RETURNED,
}
#: Answers about the person themselves: a contact reported by particulars is named first
#: (``reported.do_resolve_dispatch``, decision 0042).
HOLDS_THE_PERSON = frozenset({DispatchOutcome.LOCATED, DispatchOutcome.CONTROLLED})
#: The event each answer records, by the status it leaves the dispatch in: one declared kind per
#: answer, so a domain subscribes to exactly the answers it reacts to.
ANSWER_KIND: dict[str, str] = {
    DispatchStatus.ACKNOWLEDGED: DISPATCH_ACKNOWLEDGED,
    DispatchStatus.LOCATED: DISPATCH_LOCATED,
    DispatchStatus.CONTROLLED: DISPATCH_CONTROLLED,
    DispatchStatus.UNREACHABLE: DISPATCH_UNREACHABLE,
    DispatchStatus.RETURNED: DISPATCH_RETURNED,
    DispatchStatus.EXPORTED: DISPATCH_EXPORTED,
}


def do_record_dispatch_outcome(
    dispatch: Dispatch,
    *,
    actor,
    outcome: str,
    note: str = "",
    reason: str = "",
    control: dict | None = None,
    at: datetime.datetime | None = None,
) -> Dispatch:
    """Located (落地), controlled (管控到位), unreachable, or not our resident (returned, with why).

    Anything but "located" closes the dispatch and its work item; an unacknowledged dispatch is
    acknowledged by the same answer. Whether the answer came in time is in the event (``late``).
    "Controlled" carries ``control`` — where the person is held, as ids for the domains that react
    to ``tracing.dispatch_controlled`` (quarantine: ``{"site": id}``, decision 0026) — in the
    event; they react in this transaction, so their refusal leaves the dispatch unanswered.
    """
    at = _now(at)
    if outcome not in DispatchOutcome.values:
        raise error("outcome", _("Choose located, controlled, unreachable or not our resident."))
    control = control or {}
    if not isinstance(control, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in control.values()
    ):
        raise error("control", _("Say where the person is held as ids (e.g. a site's)."))
    reason = (reason or "").strip()
    if outcome == DispatchOutcome.NOT_RESIDENT and not reason:
        raise error("reason", _("Say why the person is not your resident."), "required")
    if in_future(at):
        raise error("at", _("The time is in the future."))
    with transaction.atomic():
        dispatch = _locked(dispatch, actor)
        if at < dispatch.sent_at:
            raise error("at", _("The time is before the dispatch was sent."))
        if outcome in HOLDS_THE_PERSON and dispatch.awaits_resolution:
            raise error(
                "outcome",
                _(
                    "Name the person first: choose the resident the particulars describe, or "
                    "register them."
                ),
                "unresolved",
            )
        if outcome == DispatchOutcome.LOCATED and dispatch.status == DispatchStatus.LOCATED:
            raise conflict("outcome", _("The person is already located."), "done")
        dispatch.status = OUTCOME_STATUS[outcome]
        dispatch.acknowledged_at = dispatch.acknowledged_at or at
        if outcome in (DispatchOutcome.LOCATED, DispatchOutcome.CONTROLLED):
            dispatch.located_at = dispatch.located_at or at
        if outcome != DispatchOutcome.LOCATED:
            dispatch.closed_at = at
        dispatch.outcome_note = (note or "").strip()[:500]
        dispatch.return_reason = reason[:500]
        dispatch.handled_by = actor
        dispatch.save()
        if outcome != DispatchOutcome.LOCATED:
            do_close_rule_tasks(dispatch, actor=actor, note=dispatch.get_status_display())
        late = bool(dispatch.due_at and at > dispatch.due_at)
        held = {"control": control} if outcome == DispatchOutcome.CONTROLLED else {}
        _receiver_event(dispatch, actor, at, outcome=outcome, late=late, **held)
    return dispatch


def told_by_reactions(dispatch: Dispatch) -> list[DomainEvent]:
    """What the domains that react to the dispatch's latest answer recorded on it — a
    consequence they skipped, and why (quarantine: "controlled" placed nobody, the regime being
    over) — for the page and the API to tell whoever answered. Their events follow the answer's
    in its transaction; tracing reads them without knowing the domains."""
    answers = set(ANSWER_KIND.values())
    timeline = events_for(dispatch)
    answer = timeline.filter(kind__in=answers).order_by("-id").first()
    if answer is None:
        return []
    return list(timeline.filter(pk__gt=answer.pk).exclude(kind__in=answers).order_by("id"))


def do_export_dispatches(dispatches, *, actor, reveal_reason: str = "") -> bytes:
    """Export the sender's open out-of-province dispatches to a file, marking them exported.

    The receiving province needs the identity numbers: with ``people.reveal_person`` and a reason
    they are written in plain, each reveal audited (``people.do_reveal_identity``); otherwise
    masked.
    """
    from pingji.people.actions.reveal import do_reveal_identity

    ids = [d.pk for d in dispatches]
    with transaction.atomic():
        rows = list(
            Dispatch.objects.restrict(actor, "change")
            .select_for_update(of=("self",))  # the person may be none: lock only the dispatch
            .filter(pk__in=ids, in_province=False)
            .open()
            .select_related("person", "sender")
            .order_by("sent_at", "id")
        )
        if len(rows) != len(set(ids)):
            raise error(
                "dispatches",
                _("Only open out-of-province dispatches of your area can be exported."),
            )
        identities = {}
        if reveal_reason.strip() and actor.has_perm("people.reveal_person"):
            for d in rows:
                if d.person is None:  # known by particulars only: exported masked
                    continue
                try:
                    identities[d.person_id] = do_reveal_identity(
                        d.person, actor=actor, reason=reveal_reason
                    )
                except PermissionDenied:  # registered outside the actor's area: stays masked
                    continue
        content = dispatch_workbook(rows, identities=identities)
        now = clock.now()
        for d in rows:
            d.status, d.closed_at, d.handled_by = DispatchStatus.EXPORTED, now, actor
            d.save(update_fields=["status", "closed_at", "handled_by"])
            do_close_rule_tasks(d, actor=actor, note=_("Exported to the other province."))
            _receiver_event(d, actor, now)
    return content
