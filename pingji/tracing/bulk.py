"""Many contacts at once: a check-in search's thousands of finds, de-duplicated, tiered, dispatched.

``do_add_contacts_bulk`` applies the rules of ``actions.create_contact`` and of dispatch to a whole
batch with a handful of queries: every row is checked first (the protocol still identifies the
tier, the last exposure lies inside the investigation's look-back window and not in the future,
the person is not the case) and any bad row refuses the batch with a per-row report, nothing
written. Rows of the same person in the same investigation collapse into one contact with the
closest tier and the latest exposure, as accepting a second stay does; a person already a contact
is updated the same way, never doubled. Contacts living in another county are dispatched there,
one open dispatch per person and county, each with its work item in the receiving county's inbox.
Events are the same as the one-by-one actions write (``tracing.contact_added``,
``tracing.dispatched``, ``tasks.created``), so indicators cannot tell the two paths apart.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.events import record_events
from pingji.core.importing import MAX_REPORTED
from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.tasks.models import Task

from .actions import FUTURE_SLACK, aware, local_date, tier_identified
from .choices import DISPATCH_CLOSED, TIER_RANK, ContactSource, ContactTier, Setting
from .dispatching import TASK_KIND, deadline_for
from .models import Contact, Dispatch, Investigation

_RANK = {str(t): n for n, t in enumerate(TIER_RANK)}


def _closer(a: str, b: str) -> str:
    """The closer of two tiers (close before secondary before companion)."""
    return a if _RANK.get(a, 99) <= _RANK.get(b, 99) else b


def _when(value: datetime.datetime) -> datetime.datetime:
    """A checked row's time, aware (the check refused missing ones)."""
    at = aware(value)
    if at is None:
        raise ValueError("a checked row has its time")
    return at


@dataclass(frozen=True)
class ContactRow:
    investigation_id: int
    person_id: int
    tier: str
    setting: str
    last_exposure_at: datetime.datetime
    source: str = ContactSource.CHECKIN_SEARCH
    note: str = ""


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    merged_rows: int = 0
    dispatched: int = 0
    contacts: list[Contact] = field(default_factory=list)


def _check(rows: list[ContactRow], invs: dict[int, Investigation]) -> list[tuple[int, str, str]]:
    """(row number from 1, field, reason) for every bad row."""
    problems: list[tuple[int, str, str]] = []
    now = timezone.now() + FUTURE_SLACK
    identified: dict[tuple[int, str], bool] = {}
    for n, row in enumerate(rows, start=1):
        inv = invs.get(row.investigation_id)
        if inv is None:
            problems.append((n, "investigation", _("No such investigation in your area.")))
            continue
        if row.tier not in ContactTier.values:
            problems.append((n, "tier", _("Choose close, secondary or spatiotemporal companion.")))
            continue
        key = (inv.protocol_id, row.tier)
        if key not in identified:
            identified[key] = tier_identified(inv.protocol, row.tier)
        if not identified[key]:
            problems.append((n, "tier", _("The protocol applied does not identify this tier.")))
        if row.setting not in Setting.values:
            problems.append((n, "setting", _("Choose where the exposure happened.")))
        last = aware(row.last_exposure_at)
        if last is None or last > now:
            problems.append((n, "last_exposure_at", _("The time is missing or in the future.")))
        elif inv.lookback_from and local_date(last) < inv.lookback_from:
            problems.append((n, "last_exposure_at", _("Before the look-back window.")))
        if row.person_id == inv.case.person_id:
            problems.append((n, "person", _("The case is not a contact of itself.")))
    return problems


def _collapse(rows: list[ContactRow]) -> dict[tuple[int, int], ContactRow]:
    best: dict[tuple[int, int], ContactRow] = {}
    for row in rows:
        key = (row.investigation_id, row.person_id)
        seen = best.get(key)
        if seen is None:
            best[key] = row
            continue
        tier = _closer(seen.tier, row.tier)
        last = max(_when(seen.last_exposure_at), _when(row.last_exposure_at))
        best[key] = ContactRow(key[0], key[1], tier, seen.setting, last, seen.source, seen.note)
    return best


def do_add_contacts_bulk(rows: Iterable[ContactRow], *, actor, dispatch: bool = True) -> BulkResult:
    """Write the batch's contacts (and dispatches) in one transaction; see the module docstring."""
    rows = list(rows)
    result = BulkResult()
    inv_ids = {r.investigation_id for r in rows}
    with transaction.atomic():
        invs = {
            inv.pk: inv
            for inv in Investigation.objects.restrict(actor, "change")
            .select_for_update(of=("self",))
            .filter(pk__in=inv_ids)
            .select_related("case", "protocol")
        }
        problems = _check(rows, invs)
        known_persons = set(
            Person.objects.filter(pk__in={r.person_id for r in rows}).values_list("pk", flat=True)
        )
        problems += [
            (n, "person", _("No such person."))
            for n, r in enumerate(rows, start=1)
            if r.person_id not in known_persons
        ]
        if problems:
            problems.sort()
            raise ValidationError(
                [
                    ValidationError(
                        _("row %(row)d, %(field)s: %(reason)s"),
                        params={"row": n, "field": f, "reason": reason},
                        code="invalid_row",
                    )
                    for n, f, reason in problems[:MAX_REPORTED]
                ]
            )
        best = _collapse(rows)
        result.merged_rows = len(rows) - len(best)
        existing = {
            (c.investigation_id, c.person_id): c
            for c in Contact.objects.filter(investigation_id__in=inv_ids)
        }
        new, changed = [], []
        for key, row in best.items():
            last = _when(row.last_exposure_at)
            old = existing.get(key)
            if old is not None:
                tier = _closer(old.tier, row.tier)
                if tier != old.tier or last > old.last_exposure_at:
                    old.tier, old.last_exposure_at = tier, max(last, old.last_exposure_at)
                    changed.append(old)
                continue
            inv = invs[row.investigation_id]
            new.append(
                Contact(
                    investigation=inv,
                    jurisdiction_id=inv.jurisdiction_id,
                    person_id=row.person_id,
                    tier=row.tier,
                    setting=row.setting,
                    last_exposure_at=last,
                    source=row.source,
                    accepted_by=actor if getattr(actor, "pk", None) else None,
                    note=(row.note or "")[:500],
                )
            )
        Contact.objects.bulk_create(new, batch_size=2000)
        Contact.objects.bulk_update(changed, ["tier", "last_exposure_at"], batch_size=2000)
        result.created, result.updated, result.contacts = len(new), len(changed), new
        summaries: dict[tuple[int, str], str] = {}
        events = [_contact_event(c, actor, summaries) for c in new]
        if dispatch:
            dispatches, more = _dispatch(new, actor)
            result.dispatched = len(dispatches)
            events += more
        record_events(events)
    return result


def _contact_event(contact: Contact, actor, summaries: dict) -> DomainEvent:
    inv = contact.investigation
    key = (inv.pk, contact.tier)
    if key not in summaries:  # one translation per investigation and tier, not per row
        summaries[key] = str(
            _("%(inv)s: contact added (%(tier)s)") % {"inv": inv, "tier": contact.tier}
        )
    return DomainEvent(
        kind="tracing.contact_added",
        actor=actor if getattr(actor, "pk", None) else None,
        jurisdiction_code=inv.jurisdiction_id,
        content_type_id=ContentType.objects.get_for_model(Investigation).pk,
        object_id=str(inv.pk),
        summary=summaries[key],
        payload={
            "contact": contact.pk,
            "tier": contact.tier,
            "setting": contact.setting,
            "source": contact.source,
            "last_exposure_at": contact.last_exposure_at.isoformat(),
        },
    )


def _dispatch(contacts: list[Contact], actor) -> tuple[list[Dispatch], list[DomainEvent]]:
    """One dispatch per person and home county not already open, with its inbox item."""
    people = Person.objects.filter(pk__in={c.person_id for c in contacts})
    homes, names = {}, {}
    for pk, grid, name in people.values_list("pk", "jurisdiction_id", "name"):
        homes[pk], names[pk] = grid, name
    away = [c for c in contacts if homes[c.person_id][:6] != c.jurisdiction_id[:6]]
    if not away:
        return [], []
    open_ = set(
        Dispatch.objects.filter(person_id__in={c.person_id for c in away})
        .exclude(status__in=DISPATCH_CLOSED)
        .values_list("person_id", "to_region")
    )
    counties = {
        j.code: j for j in Jurisdiction.objects.filter(code__in={h[:6] for h in homes.values()})
    }
    senders = {
        j.code: j for j in Jurisdiction.objects.filter(code__in={c.jurisdiction_id for c in away})
    }
    now = timezone.now()
    rules: dict = {}
    contact_type = ContentType.objects.get_for_model(Contact)
    made = []
    for c in away:
        home = homes[c.person_id][:6]
        if (c.person_id, home) in open_ or len(home) < 6 or home not in counties:
            continue
        open_.add((c.person_id, home))
        key = (c.investigation.protocol_id, c.jurisdiction_id)
        if key not in rules:
            rules[key] = deadline_for(senders[c.jurisdiction_id], now, True, c)
        due, clause = rules[key]
        made.append(
            Dispatch(
                person_id=c.person_id,
                jurisdiction=counties[home],
                sender_id=c.jurisdiction_id,
                to_region=home,
                to_region_name=counties[home].name,
                in_province=True,
                reason=f"{c.get_tier_display()} · {c.investigation.case}"[:500],
                source_type=contact_type,
                source_id=str(c.pk),
                source_label=str(c.investigation)[:200],
                last_exposure_at=c.last_exposure_at,
                sent_at=now,
                sent_by=actor if getattr(actor, "pk", None) else None,
                due_at=due,
                deadline_clause=clause,
            )
        )
    Dispatch.objects.bulk_create(made, batch_size=2000)
    dispatch_type = ContentType.objects.get_for_model(Dispatch)
    tasks = [
        Task(
            kind=TASK_KIND,
            title=str(_("Dispatch: locate and control %(name)s") % {"name": d.to_region_name})[
                :200
            ],
            description=d.deadline_clause,
            jurisdiction=d.jurisdiction,
            deadline=d.due_at,
            created_by=d.sent_by,
            source_type=dispatch_type,
            source_id=str(d.pk),
        )
        for d in made
        if d.due_at is not None
    ]
    Task.objects.bulk_create(tasks, batch_size=2000)
    task_type = ContentType.objects.get_for_model(Task)
    events = [
        DomainEvent(
            kind="tracing.dispatched",
            actor=d.sent_by,
            jurisdiction_code=d.sender_id,
            content_type=dispatch_type,
            object_id=str(d.pk),
            summary=str(_("dispatched to %(county)s") % {"county": d.to_region}),
            payload={
                "to_region": d.to_region,
                "in_province": True,
                "due_at": d.due_at.isoformat() if d.due_at else "",
                "source": d.source_label,
            },
        )
        for d in made
    ] + [
        DomainEvent(
            kind="tasks.created",
            actor=t.created_by,
            jurisdiction_code=t.jurisdiction_id,
            content_type=task_type,
            object_id=str(t.pk),
            summary=t.title,
            payload={
                "owner": t.jurisdiction_id,
                "deadline": t.deadline.isoformat(),
                "kind": t.kind,
            },
        )
        for t in tasks
    ]
    return made, events
