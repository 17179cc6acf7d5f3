"""Issuing code instructions (from the domains' events) and acknowledging them.

``issue`` writes the instructions of a batch of causes inside the caller's transaction: numbered
under the counter's lock (sequences commit in order), a cause already issued skipped (its key is
unique: the same placement never gives two instructions), and each person's earlier current
instruction marked superseded by the new one. The handler issues the events of one write (one
event, or a bulk path's); ``do_build_feed`` a day's events at once (the set-based path of
``bench/code_feed.py``, and a catch-up where events were recorded before this app listened).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core import audit, clock
from pingji.core.access import scope_code
from pingji.core.actions import error
from pingji.core.models import DomainEvent
from pingji.people.models import Person

from ..colours import RULE_OF, Cause, causes
from ..models import FeedCounter, Instruction

CHUNK = 5000


def _numbers(n: int) -> int:
    """Reserve ``n`` sequences under the counter's lock; returns the first."""
    counter, _new = FeedCounter.objects.select_for_update().get_or_create(pk=1)
    first = counter.last + 1
    FeedCounter.objects.filter(pk=1).update(last=counter.last + n)
    return first


def issue(found: list[Cause]) -> list[Instruction]:
    """Write the instructions of ``found`` not issued yet, in order; inside a transaction."""
    if not found:
        return []
    keys = sorted({c.key for c in found})
    done: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        rows = Instruction.objects.filter(cause_key__in=keys[start : start + CHUNK])
        done.update(rows.values_list("cause_key", flat=True))
    fresh, seen = [], set(done)
    for cause in sorted(found, key=lambda c: (c.at, c.key)):
        if cause.key not in seen:
            seen.add(cause.key)
            fresh.append(cause)
    if not fresh:
        return []
    ids = sorted({c.person for c in fresh})
    people: dict[int, Person] = {}
    for start in range(0, len(ids), CHUNK):
        persons = Person.objects.filter(pk__in=ids[start : start + CHUNK])
        people.update(
            (p.pk, p) for p in persons.only("pk", "name", "id_number_masked", "jurisdiction_id")
        )
    first, now = _numbers(len(fresh)), clock.now()
    made = [
        Instruction(
            sequence=first + i,
            jurisdiction_id=people[c.person].jurisdiction_id,
            person_id=c.person,
            name=people[c.person].name,
            id_number_masked=people[c.person].id_number_masked,
            colour=c.colour,
            cause_kind=c.kind,
            cause_key=c.key,
            protocol=c.protocol,
            clause=c.clause,
            at=c.at,
            issued_at=now,
        )
        for i, c in enumerate(fresh)
    ]
    _supersede(made)
    Instruction.objects.bulk_create(made)
    return made


def _supersede(made: list[Instruction]) -> None:
    """Each person's latest new instruction is current; every earlier one names its successor.

    Earlier ones of this batch are set before they are written; those already stored are found
    in one query per ``CHUNK`` persons and updated together per successor (a day's feed names
    most persons once, so this is a handful of statements, not one per person)."""
    latest: dict[int, Instruction] = {}
    for row in made:
        earlier = latest.get(row.person_id)
        if earlier is not None:
            earlier.current, earlier.superseded_by = False, row.sequence
        latest[row.person_id] = row
    persons = sorted(latest)
    stored: list[int] = []
    for start in range(0, len(persons), CHUNK):
        chunk = persons[start : start + CHUNK]
        current = Instruction.objects.filter(person_id__in=chunk, current=True)
        stored += current.values_list("person_id", flat=True)
    by_successor: dict[int, list[int]] = {}
    for person in stored:
        by_successor.setdefault(latest[person].sequence, []).append(person)
    for sequence, group in by_successor.items():
        Instruction.objects.filter(person_id__in=group, current=True).update(
            current=False, superseded_by=sequence
        )


def do_build_feed(day: datetime.date, code: str, *, actor) -> int:
    """Issue what the events of ``day`` in ``code``'s area imply and is not issued yet.

    The catch-up of a day (after this app was installed, or a protocol's colours amended): the
    same rules and cause keys as the handler, so what was issued already is skipped and running it
    twice issues nothing more. ``code`` must lie within the actor's own area."""
    if not actor.has_perm("health_codes.add_instruction"):
        raise PermissionDenied(_("Your role cannot issue code instructions."))
    code = (code or "").strip()
    if not code.isdigit() or len(code) > 15:
        raise error("code", _("A jurisdiction code is digits only."))
    scope = scope_code(actor)
    if scope is None or not code.startswith(scope):
        raise error("code", _("This area is outside yours."), "outside")
    if day > clock.today():
        raise error("day", _("The day is in the future."))
    events = DomainEvent.objects.filter(
        kind__in=list(RULE_OF),
        time__gte=_local_midnight(day),
        time__lt=_local_midnight(day + datetime.timedelta(days=1)),
        jurisdiction_code__startswith=code,
    ).order_by("time", "pk")
    with transaction.atomic(), audit.loading(f"code feed {code} {day}"):
        return len(issue(causes(events.iterator(chunk_size=5000))))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
