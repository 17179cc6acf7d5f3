"""Sync: a phone's queue of records replayed through the domains' own actions.

One request carries a batch (decision 0045). Each record has the id the phone gave it; a
``FieldRecord`` with that id (unique) is written with what became of it, in the same transaction
as what it wrote, so a batch sent twice (a lost answer, a retry) changes nothing the second time
and answers the first time's outcomes. Records are applied in the order they were made, so the
records of one person (their check, then a door visit) reach the domain in that order.

The batch is read in bulk (the phone's ids, placements, tasks, people and rounds, one query
each) and written in one transaction; each record runs in its action's own savepoint, so a
record refused rolls back alone. What a record cannot change any more is a *conflict*, reported
back to the phone with the action's message: the person released or handed over, the task
cancelled, the day's check already recorded (by the person's own link, say). A record whose
input is wrong is *refused*.
"""

import dataclasses
import datetime
import uuid
from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pingji.core import clock
from pingji.core.actions import FUTURE_SLACK, Conflict, local_date
from pingji.core.personal_data import mask_name
from pingji.people.models import Person
from pingji.quarantine.actions.monitoring import do_record_check
from pingji.quarantine.models import Placement
from pingji.tasks.actions.work import do_submit_evidence
from pingji.tasks.models import Task
from pingji.testing.models import Round

from ..choices import DoorOutcome, Outcome, RecordKind, ReminderOutcome
from ..models import FieldDevice, FieldRecord
from .reminders import do_record_reminder

#: The most records one request may carry (a day's work is a few hundred).
MAX_BATCH = 1000
#: Validation codes that mean the record's subject moved on, not that the record is wrong.
CONFLICT_CODES = {"not_active", "duplicate", "conflict", "revoked"}


@dataclasses.dataclass
class Item:
    """One record of the batch, checked for shape."""

    index: int
    client_id: uuid.UUID
    kind: str
    made_at: datetime.datetime
    seq: int
    data: dict
    target: str = ""


@dataclasses.dataclass
class Targets:
    """What the batch names, read in bulk through ``restrict``: absent means outside the area."""

    placements: dict[int, Placement]
    tasks: dict[int, Task]
    people: dict[int, Person]
    rounds: dict[int, Round]


def do_sync(*, actor, device: FieldDevice | None, records: list) -> list[dict]:
    """Apply a phone's batch; one answer per record, in the order sent.

    An answer is ``{"id", "outcome", "message", "replayed"}``; ``replayed`` says the id was
    already known and nothing was changed. A concurrent sync of the same batch that loses the race
    for the ids is rolled back whole and answered from the winner's rows.
    """
    if len(records) > MAX_BATCH:
        raise ValidationError({"records": _("At most %(n)d records at a time.") % {"n": MAX_BATCH}})
    try:
        return _sync(actor, device, records)
    except IntegrityError:
        return _sync(actor, device, records)


def _sync(actor, device, records: list) -> list[dict]:
    answers: dict[int, dict] = {}
    items: list[Item] = []
    for index, raw in enumerate(records):
        item = _parsed(index, raw)
        if isinstance(item, dict):
            answers[index] = item
        else:
            items.append(item)
    ids = [i.client_id for i in items]
    known = {r.client_id: r for r in FieldRecord.objects.filter(client_id__in=ids)}
    fresh: list[Item] = []
    seen: dict[uuid.UUID, int] = {}
    for item in items:
        row = known.get(item.client_id)
        if row is not None:
            answers[item.index] = _known(row, actor, item)
        elif item.client_id in seen:  # the same record twice in one batch: once is enough
            answers[item.index] = {"id": str(item.client_id), "same_as": seen[item.client_id]}
        else:
            seen[item.client_id] = item.index
            fresh.append(item)
    fresh.sort(key=lambda i: (i.made_at, i.seq, i.index))
    targets = _targets(actor, fresh)
    batch, now = uuid.uuid4(), clock.now()
    rows = []
    with transaction.atomic():
        for item in fresh:
            outcome, text, subject = _apply(actor, item, targets)
            answers[item.index] = _answer(item.client_id, outcome, text, replayed=False)
            rows.append(
                FieldRecord(
                    client_id=item.client_id,
                    user=actor,
                    device=device,
                    kind=item.kind,
                    target=item.target,
                    subject=subject[:200],
                    made_at=item.made_at,
                    received_at=now,
                    batch=batch,
                    outcome=outcome,
                    message=text,
                )
            )
        FieldRecord.objects.bulk_create(rows)
    for index, answer in list(answers.items()):
        if "same_as" in answer:
            answers[index] = {**answers[answer["same_as"]], "replayed": True}
    return [answers[i] for i in range(len(records))]


def _answer(client_id, outcome: str, text: str, *, replayed: bool) -> dict:
    return {"id": str(client_id), "outcome": outcome, "message": text, "replayed": replayed}


def _known(row: FieldRecord, actor, item: Item) -> dict:
    """A record already received: its first outcome, unless it is someone else's id."""
    if row.user_id != actor.pk:
        return _answer(
            item.client_id, Outcome.REFUSED, _("This record id is taken."), replayed=True
        )
    return _answer(row.client_id, row.outcome, row.message, replayed=True)


def _parsed(index: int, raw) -> Item | dict:
    """The record checked for shape, or the refusal to answer for it."""
    if not isinstance(raw, dict):
        return _answer("", Outcome.REFUSED, _("A record is an object."), replayed=False)
    client = raw.get("id")
    try:
        client_id = uuid.UUID(str(client))
    except (TypeError, ValueError):
        return _answer(client or "", Outcome.REFUSED, _("A record needs its id."), replayed=False)
    kind = raw.get("kind")
    try:
        made_at = parse_datetime(str(raw.get("made_at") or ""))
    except ValueError:  # well formed but no such moment (a 13th month)
        made_at = None
    problem = ""
    if kind not in RecordKind.values:
        problem = _("Unknown kind of record.")
    elif made_at is None or made_at.tzinfo is None:
        problem = _("A record needs the time it was made, with its time zone.")
    elif made_at > clock.now() + FUTURE_SLACK:
        problem = _("The record was made in the future: check the phone's clock.")
    data = raw.get("data")
    if not problem and not isinstance(data, dict):
        problem = _("A record needs its data.")
    if problem:
        return _answer(client_id, Outcome.REFUSED, problem, replayed=False)
    try:
        seq = int(raw.get("seq") or 0)
    except (TypeError, ValueError):
        seq = 0
    assert made_at is not None and isinstance(data, dict)
    return Item(index, client_id, str(kind), made_at, seq, data)


def _ids(items: list[Item], field: str) -> set[int]:
    found = set()
    for item in items:
        try:
            found.add(int(item.data[field]))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def _targets(actor, items: list[Item]) -> Targets:
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    checks = by_kind.get(RecordKind.CHECK, [])
    work = by_kind.get(RecordKind.DOOR, []) + by_kind.get(RecordKind.EVIDENCE, [])
    reminders = by_kind.get(RecordKind.REMINDER, [])
    placements = Placement.objects.restrict(actor).select_related("person")
    tasks = Task.objects.restrict(actor)
    people = Person.objects.restrict(actor)
    return Targets(
        placements={p.pk: p for p in placements.filter(pk__in=_ids(checks, "placement"))},
        tasks={t.pk: t for t in tasks.filter(pk__in=_ids(work, "task"))},
        people={p.pk: p for p in people.filter(pk__in=_ids(reminders, "person"))},
        rounds={r.pk: r for r in Round.objects.filter(pk__in=_ids(reminders, "round"))},
    )


def _apply(actor, item: Item, targets: Targets) -> tuple[str, str, str]:
    """(outcome, message, subject) of one record, through its domain's action."""
    apply: Callable[[], tuple[str, str]] = {
        RecordKind.CHECK: lambda: _check(actor, item, targets),
        RecordKind.DOOR: lambda: _work(actor, item, targets, door=True),
        RecordKind.EVIDENCE: lambda: _work(actor, item, targets, door=False),
        RecordKind.REMINDER: lambda: _reminder(actor, item, targets),
    }[RecordKind(item.kind)]
    try:
        subject, done = apply()
    except Conflict as exc:
        return Outcome.CONFLICT, _text(exc), item.data.get("_subject", "")
    except ValidationError as exc:
        codes = {e.code for e in _errors(exc)}
        outcome = Outcome.CONFLICT if codes & CONFLICT_CODES else Outcome.REFUSED
        return outcome, _text(exc), item.data.get("_subject", "")
    except (PermissionDenied, ObjectDoesNotExist) as exc:
        text = str(exc) or _("This is no longer in your area.")
        return Outcome.CONFLICT, text, item.data.get("_subject", "")
    return Outcome.APPLIED, done, subject


def _errors(exc: ValidationError) -> list[ValidationError]:
    if hasattr(exc, "error_dict"):
        return [e for errors in exc.error_dict.values() for e in errors]
    return list(exc.error_list)


def _text(exc: ValidationError) -> str:
    return " ".join(m for e in _errors(exc) for m in e.messages)


def _gone(what: str) -> PermissionDenied:
    return PermissionDenied(what)


def _check(actor, item: Item, targets: Targets) -> tuple[str, str]:
    data = item.data
    pk = _int(data.get("placement"))
    item.target = f"placement:{pk}"
    placement = targets.placements.get(pk)
    if placement is None:
        raise _gone(_("This person is no longer in your area (moved or handed over)."))
    item.data["_subject"] = mask_name(placement.person.name)
    symptoms = data.get("symptoms") or []
    if not isinstance(symptoms, list):
        symptoms = []
    check = do_record_check(
        placement,
        actor=actor,
        temperature=data.get("temperature"),
        symptoms=[str(s) for s in symptoms],
        on=local_date(item.made_at),
        note=str(data.get("note") or "")[:300],
        at=item.made_at,
    )
    return item.data["_subject"], _("Check of %(day)s recorded: %(t)s °C.") % {
        "day": check.on,
        "t": check.temperature,
    }


def _work(actor, item: Item, targets: Targets, *, door: bool) -> tuple[str, str]:
    data = item.data
    pk = _int(data.get("task"))
    item.target = f"task:{pk}"
    task = targets.tasks.get(pk)
    if task is None:
        raise _gone(_("This task is no longer in your area."))
    item.data["_subject"] = task.title
    note = str(data.get("text") or "").strip()[:2000]
    if door:
        outcome = data.get("outcome")
        if outcome not in DoorOutcome.values:
            raise ValidationError({"outcome": _("Choose door checked or nobody at home.")})
        label = str(DoorOutcome(outcome).label)
        note = f"{label}: {note}" if note else label
    do_submit_evidence(task, actor=actor, evidence=note, now=item.made_at)
    return task.title, _("Evidence submitted for verification.")


def _reminder(actor, item: Item, targets: Targets) -> tuple[str, str]:
    data = item.data
    person_pk, round_pk = _int(data.get("person")), _int(data.get("round"))
    item.target = f"person:{person_pk}/round:{round_pk}"
    person, round = targets.people.get(person_pk), targets.rounds.get(round_pk)
    if person is None:
        raise _gone(_("This person is no longer in your area."))
    item.data["_subject"] = mask_name(person.name)
    if round is None:
        raise _gone(_("The round is not known."))
    outcome = str(data.get("outcome") or ReminderOutcome.REMINDED)
    do_record_reminder(person, round, actor=actor, outcome=outcome, at=item.made_at)
    return item.data["_subject"], _("Reminder recorded.")


def _int(value) -> int:
    """An id as sent, or 0 (no row has it) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
