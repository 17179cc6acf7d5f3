"""Dispatch (协查): push a person to the county where they live, and that county's answer.

The deadline comes from the protocol the source works under (a contact's investigation's, a
placement's), else the one in force for the sending jurisdiction on the day it sends
(``rules.dispatch``; 8th-edition era local practice: lists cleared within 24 h in the province and
48 h out of it). An in-province dispatch becomes a work item in the receiving county's inbox
(``tasks.do_issue_rule_task``), which escalates up that county's chain when it is overdue
(decision 0005); recording an outcome that closes the dispatch closes the item. An out-of-province
dispatch has no receiving county here: the sender owns it until it exports it
(``dispatch_answers.do_export_dispatches``), in the same layout as every dispatch list
(``dispatch_lists``). Who may see what is decision 0008; the county's answers are
``dispatch_answers``.

A dispatch is checked (``check_dispatch``: who sends, who receives, the deadline), planned
(``plan_dispatch``: the row; ``dispatch_task_title``, ``dispatched_event``: its work item and its
event) and written. ``do_dispatch_person`` runs these steps for one person; the contacts of a
check-in search are dispatched by the batch (``bulk``) through the same ``receiving_code``,
``receiver_among``, ``deadline_for`` and plan, reading what they need for all of its rows at once.

Every time given here is when the thing happened — the dispatch sent, the county's answer — and
dates its event (``at=``), while the record time is the clock's now (decision 0030).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error
from pingji.core.events import record_event
from pingji.core.messages import Message, message
from pingji.geo.choices import Level
from pingji.geo.drills import county_code
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.tasks.actions.rule_tasks import do_issue_rule_task

from ..contracts import (
    DISPATCHED,
)
from ..models import Dispatch

TASK_KIND = "tracing.dispatch"
COUNTY_DIGITS = 6


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return aware(at) if at is not None else clock.now()


def may_dispatch(actor) -> bool:
    """Whether the actor's role dispatches persons at all (``tracing.add_dispatch``)."""
    has_perm = getattr(actor, "has_perm", None)
    return bool(has_perm and has_perm("tracing.add_dispatch"))


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
        raise error("source", _("A dispatch needs a sending jurisdiction."), "required")
    return Jurisdiction.objects.get(code=code)


def receiving_code(to_jurisdiction: Jurisdiction) -> str:
    """The code of the jurisdiction that receives for ``to_jurisdiction``: its county — except in a
    drill sandbox, whose root receives instead (decision 0020): the row stays in the sandbox, so
    it never counts for the real county and goes with the drill data."""
    code = to_jurisdiction.code
    if len(code) < COUNTY_DIGITS:
        raise error("to_jurisdiction", _("Dispatch to a county, not a city or province."))
    return county_code(to_jurisdiction)


def receiver_among(
    to_jurisdiction: Jurisdiction, found: Mapping[str, Jurisdiction]
) -> Jurisdiction:
    """The receiver of ``to_jurisdiction`` among the jurisdictions ``found`` by code (one look-up
    for one dispatch, one for a whole batch); a drill is received only by a drill's sandbox."""
    receiver = found.get(receiving_code(to_jurisdiction))
    if receiver is None or (to_jurisdiction.drill and not receiver.drill):
        raise error("to_jurisdiction", _("No such county."))
    return receiver


def resolve_target(to_jurisdiction, to_region: str) -> tuple[Jurisdiction | None, str]:
    """(receiving county or None for another province, its 6-digit code).

    A jurisdiction below county level stands for its county (``receiving_code``); a code of this
    province must name a county of the tree.
    """
    if to_jurisdiction is not None:
        found = Jurisdiction.objects.filter(code=receiving_code(to_jurisdiction))
        receiver = receiver_among(to_jurisdiction, {j.code: j for j in found})
        return receiver, to_jurisdiction.code[:COUNTY_DIGITS]
    region = (to_region or "").strip()
    if len(region) != COUNTY_DIGITS or not region.isdigit() or region.endswith("00"):
        raise error(
            "to_region", _("Give the receiving county's 6-digit code (e.g. 350322)."), "required"
        )
    home = province_code()
    if home and region.startswith(home):
        county = Jurisdiction.objects.filter(code=region, level=Level.COUNTY).first()
        if county is None:
            raise error("to_region", _("No county of this province has this code."))
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
        raise error("to_jurisdiction", str(exc), "no_protocol") from exc
    rule = rules.dispatch(protocol)
    if not rule.applies:
        raise error(
            "to_jurisdiction",
            _("The protocol in force (%(protocol)s) no longer dispatches contacts.")
            % {"protocol": protocol},
            "not_applicable",
        )
    hours = rule.list_in_province_hours if in_province else rule.list_out_of_province_hours
    hours = hours or rule.locate_and_control_hours
    due = at + datetime.timedelta(hours=hours) if hours else None
    return due, f"{protocol}: {rule.clause}"[:300]


@dataclass(frozen=True)
class Target:
    """Where a checked dispatch goes and by when: what ``plan_dispatch`` builds the row from."""

    sender: Jurisdiction
    county: Jurisdiction | None  # the receiver; None out of the province
    region: str  # the receiving county's 6-digit code
    at: datetime.datetime  # when it is sent
    due: datetime.datetime | None
    clause: str
    reason: str


def check_dispatch(
    person: Person | None,
    *,
    to_jurisdiction: Jurisdiction | None,
    to_region: str,
    reason: str,
    source,
    actor,
    at: datetime.datetime | None,
) -> Target:
    """The target of an allowed dispatch, or the refusal naming its field.

    The actor must see ``source`` (or the person, without a source) and hold
    ``tracing.add_dispatch``; a reason is required; dispatching to the sender's own county is
    refused. Apart from the write so that every refusal but the duplicate (decided under the
    person's lock) comes before anything is written.
    """
    if not may_dispatch(actor):
        raise PermissionDenied(_("Your role cannot dispatch persons."))
    subject = source if source is not None else person
    if subject is None:
        raise TypeError("a dispatch needs its person or its source")
    ensure_allowed(actor, subject, "view")
    reason = (reason or "").strip()
    if not reason:
        raise error("reason", _("Say why the person is dispatched."), "required")
    when = _now(at)
    sender = sender_of(source, actor)
    county, region = resolve_target(to_jurisdiction, to_region)
    if region == sender.code[:COUNTY_DIGITS]:
        raise error(
            "to_jurisdiction",
            _("The person lives in the sending county: no dispatch needed."),
            "own",
        )
    due, clause = deadline_for(sender, when, county is not None, source)
    return Target(sender, county, region, when, due, clause, reason)


def plan_dispatch(
    person: Person | None,
    target: Target,
    *,
    source,
    actor,
    last_exposure_at: datetime.datetime | None,
) -> Dispatch:
    """The dispatch row of a checked target, not saved: ``do_dispatch_person`` saves it, the batch
    creates all of its rows at once. Its last exposure is the source's unless given."""
    if last_exposure_at is None:
        last_exposure_at = getattr(source, "last_exposure_at", None)
    county = target.county
    dispatch = Dispatch(
        person=person,
        jurisdiction=county if county is not None else target.sender,
        sender=target.sender,
        to_region=target.region,
        to_region_name=county.name if county is not None else "",
        in_province=county is not None,
        reason=target.reason[:500],
        last_exposure_at=last_exposure_at,
        sent_at=target.at,
        sent_by=actor if getattr(actor, "pk", None) else None,
        due_at=target.due,
        deadline_clause=target.clause,
    )
    if source is not None:
        dispatch.source_type = ContentType.objects.get_for_model(source)
        dispatch.source_id = str(source.pk)
        dispatch.source_label = str(source)[:200]
    return dispatch


def dispatch_task_title(dispatch: Dispatch, name: str) -> str:
    """The title of the work item a dispatch with a deadline puts in its owner's inbox."""
    title = (
        _("Dispatch: locate and control %(name)s")
        if dispatch.in_province
        else _("Dispatch: hand %(name)s over to the other province")
    )
    return str(title % {"name": name})


def dispatched_event(dispatch: Dispatch, name: str) -> tuple[Message, dict]:
    """The summary and payload of a saved dispatch's ``tracing.dispatched`` event."""
    summary = message(
        gettext_noop("%(name)s dispatched to %(county)s"),
        {"name": name, "county": dispatch.to_region},
    )
    payload = {
        "to_region": dispatch.to_region,
        "in_province": dispatch.in_province,
        "due_at": dispatch.due_at.isoformat() if dispatch.due_at else "",
        "source": dispatch.source_label,
    }
    return summary, payload


def _refuse_open(person: Person, region: str) -> None:
    """Refuse a second open dispatch of the person to the same county, naming the first: the
    county works one hand-over per person, not two lists that disagree. Under the person's lock,
    so two senders at once cannot both pass."""
    existing = open_dispatch_of(person, region)
    if existing is not None:
        raise error(
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

    What tracing offers quarantine for a person going home to another county (decision 0008,
    docs/architecture.md "What apps offer each other"). The refusals are ``check_dispatch``'s, and
    a person already dispatched to that county and not yet closed there is refused as a
    duplicate, naming the open dispatch. ``at`` is when it was sent (default now).
    """
    target = check_dispatch(
        person,
        to_jurisdiction=to_jurisdiction,
        to_region=to_region,
        reason=reason,
        source=source,
        actor=actor,
        at=at,
    )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        _refuse_open(person, target.region)
        dispatch = plan_dispatch(
            person, target, source=source, actor=actor, last_exposure_at=last_exposure_at
        )
        send_planned(dispatch, person.name, target, actor=actor)
    return dispatch


def send_planned(dispatch: Dispatch, name: str, target: Target, *, actor) -> Dispatch:
    """Save a planned dispatch with its work item in the receiver's inbox and its event, inside
    the caller's transaction: the one way a dispatch of one person, or of a contact known only by
    particulars (``reported``), is sent."""
    dispatch.save()
    ensure_allowed(actor, dispatch, "view")
    if dispatch.due_at is not None:
        do_issue_rule_task(
            dispatch,
            actor=actor,
            owner=dispatch.jurisdiction,
            kind=TASK_KIND,
            title=dispatch_task_title(dispatch, name),
            deadline=dispatch.due_at,
            description=dispatch.deadline_clause,
        )
    summary, payload = dispatched_event(dispatch, name)
    record_event(
        DISPATCHED,
        summary,
        jurisdiction_code=target.sender.code,
        subject=dispatch,
        actor=actor,
        at=target.at,
        payload=payload,
    )
    return dispatch
