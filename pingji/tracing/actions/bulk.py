"""Many contacts at once: a check-in search's thousands of finds, de-duplicated, tiered, dispatched.

``do_add_contacts_bulk`` runs every row through the steps ``contacts.create_contact`` runs —
``contact_problems``, ``plan_contact`` and ``contact_added_event``, then for a contact living in
another county ``dispatch_region``, ``receiver_among``, ``deadline_for``, ``plan_dispatch``,
``dispatch_task_title`` and ``dispatched_event`` — and differs in how it reads and writes: what the
rows need (investigations, persons, contacts, open dispatches, receiving counties) in one query
each, the rows in one ``bulk_create`` per model and the events in one ``record_events``. The work
items of the dispatches are written by ``tasks.issue_rule_tasks``, the bulk form of
``tasks.do_issue_rule_task``.

What is the batch's own, because a search finds the same person more than once:

* any bad row refuses the whole batch with a per-row report (every problem of every row), nothing
  written — one by one, only that row would be refused;
* rows of the same person in the same investigation collapse into one contact with the closest tier
  and the latest exposure, as accepting a second stay does; a person already a contact is updated
  the same way, never doubled — one by one, the second would be refused as a duplicate.

Events and change-log rows are those of the one-by-one path (``tracing.contact_added``,
``tracing.dispatched``, ``tasks.created``; ``bulk_create`` logs each row as a save would,
``core.audit``), so indicators and audits cannot tell the two paths apart;
a property test (``tracing/tests/test_bulk_matches_single.py``) holds them equal.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.core.actions import aware, event_on
from pingji.core.events import record_events
from pingji.core.importing import MAX_REPORTED
from pingji.core.messages import Message
from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.tasks.actions.rule_tasks import issue_rule_tasks, rule_task
from pingji.tasks.models import Task

from ..choices import ContactSource
from ..contracts import CONTACT_ADDED, DISPATCHED
from ..models import Contact, Dispatch, Investigation
from .contacts import (
    closer_tier,
    contact_added_event,
    contact_problems,
    dispatch_reason,
    dispatch_region,
    plan_contact,
    tier_identified,
)
from .dispatch import (
    TASK_KIND,
    Target,
    deadline_for,
    dispatch_task_title,
    dispatched_event,
    may_dispatch,
    plan_dispatch,
    receiver_among,
    receiving_code,
)
from .investigations import investigation_name


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


def _check(
    rows: list[ContactRow], invs: dict[int, Investigation], persons: dict[int, Person]
) -> list[tuple[int, str, str]]:
    """(row number from 1, field, reason) for every problem of every row: ``contact_problems``
    of each row, and the rows naming an investigation outside the actor's area or nobody."""
    problems: list[tuple[int, str, str]] = []
    identified: Callable[[object, str], bool] = cache(tier_identified)  # once per tier, not row
    for n, row in enumerate(rows, start=1):
        inv = invs.get(row.investigation_id)
        if inv is None:
            problems.append((n, "investigation", _("No such investigation in your area.")))
        else:
            found = contact_problems(
                inv,
                person_id=row.person_id,
                tier=row.tier,
                setting=row.setting,
                last_exposure_at=row.last_exposure_at,
                identified=identified,
            )
            problems += [(n, f, message) for f, message, _code in found]
        if row.person_id not in persons:
            problems.append((n, "person", _("No such person.")))
    return problems


def _refuse(problems: list[tuple[int, str, str]]) -> ValidationError:
    problems.sort()
    return ValidationError(
        [
            ValidationError(
                _("row %(row)d, %(field)s: %(reason)s"),
                params={"row": n, "field": f, "reason": reason},
                code="invalid_row",
            )
            for n, f, reason in problems[:MAX_REPORTED]
        ]
    )


def _collapse(rows: list[ContactRow]) -> dict[tuple[int, int], ContactRow]:
    """One row per (investigation, person): the closest tier and the latest exposure of its rows,
    the setting, source and note of the first."""
    best: dict[tuple[int, int], ContactRow] = {}
    for row in rows:
        key = (row.investigation_id, row.person_id)
        seen = best.get(key)
        if seen is None:
            best[key] = row
            continue
        tier = closer_tier(seen.tier, row.tier)
        last = max(_when(seen.last_exposure_at), _when(row.last_exposure_at))
        best[key] = ContactRow(key[0], key[1], tier, seen.setting, last, seen.source, seen.note)
    return best


def _plan(
    best: dict[tuple[int, int], ContactRow],
    invs: dict[int, Investigation],
    persons: dict[int, Person],
    existing: dict[tuple[int, int], Contact],
    actor,
) -> tuple[list[Contact], list[Contact]]:
    """(new contacts as ``plan_contact`` builds them, existing ones moved to a closer tier or a
    later exposure)."""
    new, changed = [], []
    for key, row in best.items():
        last = _when(row.last_exposure_at)
        old = existing.get(key)
        if old is not None:
            tier = closer_tier(old.tier, row.tier)
            if tier != old.tier or last > old.last_exposure_at:
                old.tier, old.last_exposure_at = tier, max(last, old.last_exposure_at)
                changed.append(old)
            continue
        new.append(
            plan_contact(
                invs[row.investigation_id],
                actor=actor,
                person=persons[row.person_id],
                tier=row.tier,
                setting=row.setting,
                last_exposure_at=last,
                source=row.source,
                note=row.note,
            )
        )
    return new, changed


def do_add_contacts_bulk(rows: Iterable[ContactRow], *, actor, dispatch: bool = True) -> BulkResult:
    """Write the batch's contacts (and dispatches) in one transaction; see the module docstring."""
    rows = list(rows)
    if not actor.has_perm("tracing.add_contact"):  # what ``ensure_allowed(contact, "add")`` asks
        raise PermissionDenied(_("Your role cannot add contacts."))
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
        persons = {
            p.pk: p
            for p in Person.objects.filter(pk__in={r.person_id for r in rows})
            .select_related("jurisdiction")
            .only("name", "jurisdiction__name", "jurisdiction__drill")
            .order_by()
        }
        problems = _check(rows, invs, persons)
        if problems:
            raise _refuse(problems)
        best = _collapse(rows)
        result.merged_rows = len(rows) - len(best)
        existing = {
            (c.investigation_id, c.person_id): c
            for c in Contact.objects.filter(investigation_id__in=inv_ids)
        }
        new, changed = _plan(best, invs, persons, existing, actor)
        Contact.objects.bulk_create(new, batch_size=2000)
        Contact.objects.bulk_update(changed, ["tier", "last_exposure_at"], batch_size=2000)
        result.created, result.updated, result.contacts = len(new), len(changed), new
        names: dict[int, Message] = {}
        events = [_contact_event(c, actor, names) for c in new]
        if dispatch:
            dispatches, more = _dispatch(new, actor)
            result.dispatched = len(dispatches)
            events += more
        record_events(events)
    return result


def _contact_event(contact: Contact, actor, names: dict[int, Message]) -> DomainEvent:
    """The contact's event; ``names`` keeps each investigation's name, written once for its
    many contacts."""
    investigation = contact.investigation
    if investigation.pk not in names:
        names[investigation.pk] = investigation_name(investigation)
    summary, payload = contact_added_event(contact, names[investigation.pk])
    return event_on(investigation, CONTACT_ADDED, summary, actor=actor, payload=payload)


def _rule_task(dispatch: Dispatch, actor) -> Task:
    """The work item ``tasks.do_issue_rule_task`` issues for a dispatch (``dispatch``'s own)."""
    return rule_task(
        dispatch,
        actor=actor,
        owner=dispatch.jurisdiction,
        kind=TASK_KIND,
        title=dispatch_task_title(dispatch, _named(dispatch)),
        deadline=dispatch.due_at,
        description=dispatch.deadline_clause,
    )


def _named(dispatch: Dispatch) -> str:
    """Who a dispatch is about: the person (a bulk dispatch always names one), else the label."""
    return dispatch.person.name if dispatch.person is not None else dispatch.source_label


def _dispatch_event(dispatch: Dispatch, actor) -> DomainEvent:
    summary, payload = dispatched_event(dispatch, _named(dispatch))
    event = event_on(
        dispatch, DISPATCHED, summary, actor=actor, payload=payload, at=dispatch.sent_at
    )
    event.jurisdiction_code = dispatch.sender_id  # the sender sees what it sent
    return event


def _dispatch(contacts: list[Contact], actor) -> tuple[list[Dispatch], list[DomainEvent]]:
    """One dispatch per person and home county not already open, with its inbox item: what
    ``contacts.dispatch_if_elsewhere`` does for each contact, read and written for all at once."""
    if not may_dispatch(actor):
        return [], []
    away = [(c, region) for c in contacts if (region := dispatch_region(c, actor)) is not None]
    if not away:
        return [], []
    open_ = set(
        Dispatch.objects.filter(person_id__in={c.person_id for c, _region in away})
        .open()
        .values_list("person_id", "to_region")
    )
    codes = {receiving_code(c.person.jurisdiction) for c, _region in away}
    receivers = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    senders = {
        j.code: j
        for j in Jurisdiction.objects.filter(code__in={c.jurisdiction_id for c, _r in away})
    }
    now = clock.now()
    deadlines: dict = {}
    made = []
    for c, region in away:
        if (c.person_id, region) in open_:
            continue
        open_.add((c.person_id, region))
        sender = senders[c.jurisdiction_id]
        key = (c.investigation.protocol_id, c.jurisdiction_id)
        if key not in deadlines:  # one protocol rule per investigation's protocol and sender
            deadlines[key] = deadline_for(sender, now, True, c)
        due, clause = deadlines[key]
        county = receiver_among(c.person.jurisdiction, receivers)
        target = Target(sender, county, region, now, due, clause, dispatch_reason(c))
        made.append(plan_dispatch(c.person, target, source=c, actor=actor, last_exposure_at=None))
    Dispatch.objects.bulk_create(made, batch_size=2000)
    tasks = [_rule_task(d, actor) for d in made if d.due_at is not None]
    events = [_dispatch_event(d, actor) for d in made] + issue_rule_tasks(tasks)
    return made, events
