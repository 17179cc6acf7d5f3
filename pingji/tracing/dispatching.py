"""Dispatch (协查): push a person to the county where they live, and that county's answer.

The deadline comes from the protocol the source works under (a contact's investigation's, a
placement's), else the one in force for the sending jurisdiction on the day it sends
(``rules.dispatch``; 8th-edition era local practice: lists cleared within 24 h in the province and
48 h out of it). An in-province dispatch becomes a work item in the receiving county's inbox
(``tasks.do_issue_rule_task``), which escalates up that county's chain when it is overdue
(decision 0005); recording an outcome that closes the dispatch closes the item. An out-of-province
dispatch has no receiving county here: the sender owns it until it exports it
(:func:`do_export_dispatches`), in the same layout as every dispatch list. Who may see what is
decision 0008.
"""

import datetime
import io

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.spreadsheets import safe_row
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.tasks.actions import do_close_rule_tasks, do_issue_rule_task

from .choices import DispatchOutcome, DispatchStatus
from .models import Dispatch

TASK_KIND = "tracing.dispatch"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNTY_DIGITS = 6
#: A drill sandbox's root is township-level (decision 0020).
SANDBOX_DIGITS = CODE_LENGTH[Level.TOWNSHIP]


def _error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _now(at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        return timezone.make_aware(at, timezone.get_default_timezone())
    return at


def province_code() -> str:
    return (
        Jurisdiction.objects.filter(level=Level.PROVINCE).values_list("code", flat=True).first()
        or ""
    )


def sender_of(source, actor) -> Jurisdiction:
    """Who sends: the source's jurisdiction (a contact's investigating grid, a placement's site),
    else the actor's own. Everyone above it sees the status of what it sent."""
    code = getattr(source, "jurisdiction_id", None) or getattr(actor, "jurisdiction_id", None)
    if not code:
        raise _error("source", _("A dispatch needs a sending jurisdiction."), "required")
    return Jurisdiction.objects.get(code=code)


def resolve_target(to_jurisdiction, to_region: str) -> tuple[Jurisdiction | None, str]:
    """(receiving county or None for another province, its 6-digit code).

    A jurisdiction below county level stands for its county — except in a drill sandbox, whose
    root receives instead; a code of this province must name a county of the tree.
    """
    if to_jurisdiction is not None:
        code = to_jurisdiction.code
        if len(code) < COUNTY_DIGITS:
            raise _error("to_jurisdiction", _("Dispatch to a county, not a city or province."))
        if to_jurisdiction.drill:
            # A drill's partner sandbox receives for its county (decision 0020): the row stays in
            # the sandbox, so it never counts for the real county and goes with the drill data.
            receiver = Jurisdiction.objects.filter(code=code[:SANDBOX_DIGITS], drill=True).first()
        else:
            receiver = Jurisdiction.objects.filter(code=code[:COUNTY_DIGITS]).first()
        if receiver is None:
            raise _error("to_jurisdiction", _("No such county."))
        return receiver, code[:COUNTY_DIGITS]
    region = (to_region or "").strip()
    if len(region) != COUNTY_DIGITS or not region.isdigit() or region.endswith("00"):
        raise _error(
            "to_region", _("Give the receiving county's 6-digit code (e.g. 350322)."), "required"
        )
    home = province_code()
    if home and region.startswith(home):
        county = Jurisdiction.objects.filter(code=region, level=Level.COUNTY).first()
        if county is None:
            raise _error("to_region", _("No county of this province has this code."))
        return county, region
    return None, region


def open_dispatch_of(person: Person, region: str) -> Dispatch | None:
    return Dispatch.objects.filter(person=person, to_region=region).open().first()


def protocol_of(source):
    """The protocol the source already works under: a contact's investigation's, a placement's."""
    protocol = getattr(source, "protocol", None)
    if protocol is None and hasattr(source, "investigation"):
        protocol = getattr(source.investigation, "protocol", None)
    return protocol


def deadline_for(sender: Jurisdiction, at: datetime.datetime, in_province: bool, source=None):
    """(due, clause): the rule of the source's protocol if it has one (a contact under its
    investigation's), else of the protocol in force for the sender at ``at``."""
    protocol = protocol_of(source) if source is not None else None
    try:
        protocol = protocol or protocol_for(sender.code, at)
    except NoProtocolInForce as exc:
        raise _error("to_jurisdiction", str(exc), "no_protocol") from exc
    rule = rules.dispatch(protocol)
    if not rule.applies:
        raise _error(
            "to_jurisdiction",
            _("The protocol in force (%(protocol)s) no longer dispatches contacts.")
            % {"protocol": protocol},
            "not_applicable",
        )
    hours = rule.list_in_province_hours if in_province else rule.list_out_of_province_hours
    hours = hours or rule.locate_and_control_hours
    due = at + datetime.timedelta(hours=hours) if hours else None
    return due, f"{protocol}: {rule.clause}"[:300]


def do_dispatch_person(
    person: Person,
    *,
    to_jurisdiction: Jurisdiction | None,
    reason: str,
    source=None,
    actor,
    to_region: str = "",
    last_exposure_at: datetime.datetime | None = None,
    at: datetime.datetime | None = None,
) -> Dispatch:
    """Push ``person`` to the county ``to_jurisdiction`` (or, out of the province, ``to_region``).

    Contract C1. The actor must see ``source`` (or the person, without a source) and hold
    ``tracing.add_dispatch``. A person already dispatched to that county and not yet closed there
    is refused as a duplicate, naming the open dispatch; dispatching to the sender's own county is
    refused.
    """
    if not getattr(actor, "has_perm", None) or not actor.has_perm("tracing.add_dispatch"):
        raise PermissionDenied(_("Your role cannot dispatch persons."))
    ensure_allowed(actor, source if source is not None else person, "view")
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("Say why the person is dispatched."), "required")
    at = _now(at)
    sender = sender_of(source, actor)
    county, region = resolve_target(to_jurisdiction, to_region)
    if region == sender.code[:COUNTY_DIGITS]:
        raise _error(
            "to_jurisdiction",
            _("The person lives in the sending county: no dispatch needed."),
            "own",
        )
    in_province = county is not None
    due, clause = deadline_for(sender, at, in_province, source)
    if last_exposure_at is None:
        last_exposure_at = getattr(source, "last_exposure_at", None)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        existing = open_dispatch_of(person, region)
        if existing is not None:
            raise _error(
                "person",
                _("%(name)s is already dispatched to %(county)s (%(dispatch)s, %(status)s).")
                % {
                    "name": person.name,
                    "county": existing.to_region_name or existing.to_region,
                    "dispatch": existing,
                    "status": existing.get_status_display(),
                },
                "duplicate",
            )
        dispatch = Dispatch(
            person=person,
            jurisdiction=county if in_province else sender,
            sender=sender,
            to_region=region,
            to_region_name=county.name if county else "",
            in_province=in_province,
            reason=reason[:500],
            last_exposure_at=last_exposure_at,
            sent_at=at,
            sent_by=actor if getattr(actor, "pk", None) else None,
            due_at=due,
            deadline_clause=clause,
        )
        if source is not None:
            dispatch.source_type = ContentType.objects.get_for_model(source)
            dispatch.source_id = str(source.pk)
            dispatch.source_label = str(source)[:200]
        dispatch.save()
        ensure_allowed(actor, dispatch, "view")
        if due is not None:
            do_issue_rule_task(
                dispatch,
                actor=actor,
                owner=dispatch.jurisdiction,
                kind=TASK_KIND,
                title=(
                    _("Dispatch: locate and control %(name)s")
                    if in_province
                    else _("Dispatch: hand %(name)s over to the other province")
                )
                % {"name": person.name},
                deadline=due,
                description=clause,
            )
        record_event(
            "tracing.dispatched",
            _("%(name)s dispatched to %(county)s") % {"name": person.name, "county": region},
            jurisdiction_code=sender.code,
            subject=dispatch,
            actor=actor,
            payload={
                "to_region": region,
                "in_province": in_province,
                "due_at": due.isoformat() if due else "",
                "source": dispatch.source_label,
            },
        )
    return dispatch


def _locked(dispatch: Dispatch, actor) -> Dispatch:
    fresh = (
        Dispatch.objects.restrict(actor, "respond")
        .select_for_update()
        .filter(pk=dispatch.pk)
        .first()
    )
    if fresh is None:
        raise PermissionDenied(_("Only the receiving county works this dispatch."))
    if not fresh.is_open:
        raise _error(
            "status",
            _("This dispatch is closed (%(status)s).") % {"status": fresh.get_status_display()},
            "closed",
        )
    if not fresh.in_province:
        raise _error("status", _("An out-of-province dispatch is exported, not answered."))
    return fresh


def _receiver_event(kind: str, dispatch: Dispatch, actor, at, **payload) -> None:
    record_event(
        f"tracing.dispatch_{kind}",
        _("%(dispatch)s: %(status)s")
        % {"dispatch": dispatch, "status": dispatch.get_status_display()},
        jurisdiction_code=dispatch.jurisdiction_id,
        subject=dispatch,
        actor=actor,
        payload={"at": at.isoformat(), "sender": dispatch.sender_id, **payload},
    )


def do_acknowledge_dispatch(
    dispatch: Dispatch, *, actor, at: datetime.datetime | None = None
) -> Dispatch:
    """The receiving county has seen the dispatch (签收)."""
    at = _now(at)
    with transaction.atomic():
        dispatch = _locked(dispatch, actor)
        if dispatch.status != DispatchStatus.SENT:
            raise _error("status", _("This dispatch is already acknowledged."), "done")
        dispatch.status, dispatch.acknowledged_at = DispatchStatus.ACKNOWLEDGED, at
        dispatch.handled_by = actor
        dispatch.save(update_fields=["status", "acknowledged_at", "handled_by"])
        _receiver_event("acknowledged", dispatch, actor, at)
    return dispatch


OUTCOME_STATUS: dict[str, str] = {
    DispatchOutcome.LOCATED: DispatchStatus.LOCATED,
    DispatchOutcome.CONTROLLED: DispatchStatus.CONTROLLED,
    DispatchOutcome.UNREACHABLE: DispatchStatus.UNREACHABLE,
    DispatchOutcome.NOT_RESIDENT: DispatchStatus.RETURNED,
}
OUTCOME_KIND: dict[str, str] = {
    DispatchOutcome.LOCATED: "located",
    DispatchOutcome.CONTROLLED: "controlled",
    DispatchOutcome.UNREACHABLE: "unreachable",
    DispatchOutcome.NOT_RESIDENT: "returned",
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
        raise _error("outcome", _("Choose located, controlled, unreachable or not our resident."))
    control = control or {}
    if not isinstance(control, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in control.values()
    ):
        raise _error("control", _("Say where the person is held as ids (e.g. a site's)."))
    reason = (reason or "").strip()
    if outcome == DispatchOutcome.NOT_RESIDENT and not reason:
        raise _error("reason", _("Say why the person is not your resident."), "required")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise _error("at", _("The time is in the future."))
    with transaction.atomic():
        dispatch = _locked(dispatch, actor)
        if at < dispatch.sent_at:
            raise _error("at", _("The time is before the dispatch was sent."))
        if outcome == DispatchOutcome.LOCATED and dispatch.status == DispatchStatus.LOCATED:
            raise _error("outcome", _("The person is already located."), "done")
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
        _receiver_event(
            OUTCOME_KIND[outcome], dispatch, actor, at, outcome=outcome, late=late, **held
        )
    return dispatch


#: The columns of every dispatch list (in-province lists and out-of-province exports alike).
COLUMNS = (
    gettext_lazy("No."),
    gettext_lazy("full name"),
    gettext_lazy("sex"),
    gettext_lazy("identity number"),
    gettext_lazy("phone"),
    gettext_lazy("receiving county code"),
    gettext_lazy("receiving county"),
    gettext_lazy("last exposure"),
    gettext_lazy("reason"),
    gettext_lazy("sent by"),
    gettext_lazy("sent at"),
    gettext_lazy("due"),
    gettext_lazy("status"),
)


def _local(value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def dispatch_workbook(dispatches, *, identities: dict[int, dict] | None = None) -> bytes:
    """An .xlsx of dispatches in the one layout; identity data masked unless given revealed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("dispatches"))
    sheet.append(safe_row(str(c) for c in COLUMNS))
    identities = identities or {}
    for n, d in enumerate(dispatches, start=1):
        revealed = identities.get(d.person_id, {})
        sheet.append(
            safe_row(
                [
                    n,
                    d.person.name,
                    d.person.get_sex_display(),
                    revealed.get("id_number") or d.person.id_number_masked,
                    revealed.get("phone") or d.person.phone_masked,
                    d.to_region,
                    d.to_region_name,
                    _local(d.last_exposure_at),
                    d.reason,
                    d.sender.name,
                    _local(d.sent_at),
                    _local(d.due_at),
                    d.get_status_display(),
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def do_export_dispatches(dispatches, *, actor, reveal_reason: str = "") -> bytes:
    """Export the sender's open out-of-province dispatches to a file, marking them exported.

    The receiving province needs the identity numbers: with ``people.reveal_person`` and a reason
    they are written in plain, each reveal audited (``people.do_reveal_identity``); otherwise
    masked.
    """
    from pingji.people.actions import do_reveal_identity

    ids = [d.pk for d in dispatches]
    with transaction.atomic():
        rows = list(
            Dispatch.objects.restrict(actor, "change")
            .select_for_update()
            .filter(pk__in=ids, in_province=False)
            .open()
            .select_related("person", "sender")
            .order_by("sent_at", "id")
        )
        if len(rows) != len(set(ids)):
            raise _error(
                "dispatches",
                _("Only open out-of-province dispatches of your area can be exported."),
            )
        identities = {}
        if reveal_reason.strip() and actor.has_perm("people.reveal_person"):
            for d in rows:
                try:
                    identities[d.person_id] = do_reveal_identity(
                        d.person, actor=actor, reason=reveal_reason
                    )
                except PermissionDenied:  # registered outside the actor's area: stays masked
                    continue
        content = dispatch_workbook(rows, identities=identities)
        now = timezone.now()
        for d in rows:
            d.status, d.closed_at, d.handled_by = DispatchStatus.EXPORTED, now, actor
            d.save(update_fields=["status", "closed_at", "handled_by"])
            do_close_rule_tasks(d, actor=actor, note=_("Exported to the other province."))
            _receiver_event("exported", d, actor, now)
    return content
