"""A batch of contacts and the same contacts one by one: the same rows, events, log and refusals.

``create_contact`` (with the dispatch of a contact living elsewhere) and ``do_add_contacts_bulk``
share their checks and their plan (``actions.contacts``, ``actions.dispatch``); these properties
hold them equal on random batches of good and bad rows against the same starting data. Each path
runs inside a transaction that is rolled back, under a frozen clock, so both start from the same
rows and what each wrote — contacts, dispatches, work items, events, change log — is compared as
plain data.

Where the two differ by design, the difference is asserted exactly:

* a bad row: one by one only that row is refused; the batch refuses as a whole, naming the same
  rows (with every problem of each, where one by one names the first), and writes nothing;
* a person found twice, or already a contact: one by one the repeat is refused as a duplicate; the
  batch keeps one contact with the closest tier and the latest exposure, updating one already
  there.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from pingji.cases.tests.factories import CaseFactory
from pingji.core.models import DomainEvent, ObjectChange
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tasks.models import Task
from pingji.tracing.actions.bulk import ContactRow, do_add_contacts_bulk
from pingji.tracing.actions.contacts import closer_tier, create_contact
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.models import Contact, Dispatch

from .conftest import GRID, at

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"
NOW = at(13, 12)

#: The fields compared of each row written (ids of rows both paths write are compared by place).
CONTACT = (
    *("investigation_id", "person_id", "jurisdiction_id", "tier", "setting"),
    *("last_exposure_at", "source", "accepted_by_id", "note"),
)
DISPATCH = (
    *("person_id", "jurisdiction_id", "sender_id", "to_region", "to_region_name", "in_province"),
    *("reason", "source_type_id", "source_label", "last_exposure_at", "sent_at", "sent_by_id"),
    *("due_at", "deadline_clause", "status"),
)
TASK = (
    *("kind", "title", "description", "jurisdiction_id", "department", "deadline"),
    *("created_by_id", "source_type_id", "status"),
)
#: What a snapshot in the change log holds that differs between two writes of the same row (the
#: source a dispatch or a work item points at is compared by the row it names instead).
MOMENTS = ("id", "created_at", "source_id")

good = st.fixed_dictionaries(
    {
        "inv": st.integers(0, 1),
        "person": st.integers(0, 3),  # two residents here, two in 湖里区 (dispatched there)
        "tier": st.sampled_from(["close_contact", "secondary_contact", "spatiotemporal_companion"]),
        "setting": st.sampled_from(["venue", "household"]),
        "last": st.sampled_from([at(11, 10), at(11, 12), at(11, 9)]),
    }
)
#: At most one thing wrong with a row (``{}``: nothing, the most likely draw).
SPOILERS = st.sampled_from(
    [
        {},
        {},
        {},
        {},
        {},
        {"tier": "best_friend"},
        {"setting": ""},
        {"last": at(1, 10)},  # before the look-back window
        {"last": at(20, 10)},  # after the frozen now
        {"inv": 0, "person": 4},  # the case itself
    ]
)
row = st.builds(lambda r, spoil: {**r, **spoil}, good, SPOILERS).map(
    lambda r: (r["inv"], r["person"], r["tier"], r["setting"], r["last"])
)


@pytest.fixture
def frozen(monkeypatch):
    """One now for both paths: sending times, deadlines and event times are then comparable."""
    monkeypatch.setattr("pingji.core.clock.now", lambda: NOW)


@pytest.fixture
def world(epi, tree, frozen):
    """Two investigations of 仙游县, two residents of it and two of 湖里区 (dispatched there)."""
    invs = [
        do_open_investigation(CaseFactory(person=PersonFactory(household=home)), actor=epi)
        for home in (HouseholdFactory(jurisdiction=tree[GRID]) for _n in range(2))
    ]
    persons = [
        PersonFactory(name=name, household=HouseholdFactory(jurisdiction=tree[grid]))
        for name, grid in (("林一", GRID), ("林二", GRID), ("陈一", HULI_GRID), ("陈二", HULI_GRID))
    ]
    return invs, [*persons, invs[0].case.person]


class _Undo(Exception):
    """Raised to roll a run back once what it wrote has been read."""


def _rolled_back(run):
    """What ``run`` returns, with everything it wrote rolled back."""
    seen = []
    try:
        with transaction.atomic():
            seen.append(run())
            raise _Undo
    except _Undo:
        pass
    return seen[0]


MODELS = (Contact, Dispatch, Task, DomainEvent, ObjectChange)


def _marks() -> dict:
    return {m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in MODELS}


def _model(row: DomainEvent | ObjectChange) -> str:
    """The model an event or a change is about (every one written here is about a row)."""
    assert row.content_type_id is not None
    return ContentType.objects.get_for_id(row.content_type_id).model


#: The apps above tracing that react to its dispatches (decision 0043, 0044).
REACTING_APPS = {"notices", "messaging", "health_codes", "exchange"}


def _reaction(row: DomainEvent | ObjectChange) -> bool:
    assert row.content_type_id is not None
    return ContentType.objects.get_for_id(row.content_type_id).app_label in REACTING_APPS


def _written(since: dict) -> dict:
    """What was written after the marks ``since``, as plain data: a new row is named by its
    model and its place among the new ones, not by its id."""
    rows = {m: list(m.objects.filter(pk__gt=since[m]).order_by("pk")) for m in MODELS[:3]}
    name = {(m._meta.model_name, str(r.pk)): n for m in rows for n, r in enumerate(rows[m])}

    def known(model: str, pk) -> object:
        return name.get((model, str(pk)), pk)

    def fields(row, which: tuple[str, ...], source: str | None = None) -> dict:
        found = {f: getattr(row, f) for f in which}
        return found if source is None else {**found, "source": known(source, row.source_id)}

    def payload(event: DomainEvent) -> dict:
        if "contact" not in event.payload:
            return event.payload
        return {**event.payload, "contact": known("contact", event.payload["contact"])}

    new_events = list(DomainEvent.objects.filter(pk__gt=since[DomainEvent]))
    new_changes = list(ObjectChange.objects.filter(pk__gt=since[ObjectChange]))
    events = [
        (e.kind, _model(e), known(_model(e), e.object_id), e.summary, payload(e), e.time)
        + (e.jurisdiction_code, e.actor_id)
        for e in new_events
        if not _reaction(e)
    ]
    changes = [
        (c.action, _model(c), known(_model(c), c.object_id))
        + tuple(
            {k: v for k, v in (s or {}).items() if k not in MOMENTS} for s in (c.before, c.after)
        )
        for c in new_changes
        if not _reaction(c)
    ]
    # What the apps that reach outside wrote in reaction (a letter, a message, a code): by kind
    # and number, as their rows name ids and numbers that differ from one write to the other.
    reactions = sorted(
        [("event", e.kind) for e in new_events if _reaction(e)]
        + [(c.action, _model(c)) for c in new_changes if _reaction(c)]
    )
    return {
        "reactions": reactions,
        "contacts": [fields(c, CONTACT) for c in rows[Contact]],
        "dispatches": [fields(d, DISPATCH, "contact") for d in rows[Dispatch]],
        "tasks": [fields(t, TASK, "dispatch") for t in rows[Task]],
        "events": sorted(events, key=repr),
        "changes": sorted(changes, key=repr),
    }


def _one_by_one(epi, invs, persons, rows: list[ContactRow]) -> tuple[dict, dict]:
    """Each row through ``create_contact`` in its own savepoint: (refused row → (field, code))."""
    since, refused = _marks(), {}
    by_pk = {i.pk: i for i in invs}
    people = {p.pk: p for p in persons}
    for n, r in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                create_contact(
                    by_pk[r.investigation_id],
                    actor=epi,
                    person=people[r.person_id],
                    tier=r.tier,
                    setting=r.setting,
                    last_exposure_at=r.last_exposure_at,
                    source=r.source,
                    note=r.note,
                )
        except ValidationError as exc:
            ((field, errors),) = exc.error_dict.items()
            refused[n] = (field, errors[0].code)
    return refused, _written(since)


def _batch(epi, rows: list[ContactRow]) -> tuple[dict, dict]:
    """The rows through ``do_add_contacts_bulk``: (refused row → fields named)."""
    since, refused = _marks(), dict[int, set[str]]()
    try:
        do_add_contacts_bulk(rows, actor=epi)
    except ValidationError as exc:
        for message in exc.messages:
            n, field = re.match(r"row (\d+), (\w+):", message).groups()  # type: ignore[union-attr]
            refused.setdefault(int(n), set()).add(field)
    return refused, _written(since)


def _rows(world, drawn) -> list[ContactRow]:
    invs, persons = world
    return [
        ContactRow(invs[i].pk, persons[p].pk, tier, setting, last)
        for i, p, tier, setting, last in drawn
    ]


@examples(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=st.lists(row, min_size=1, max_size=6, unique_by=lambda r: (r[0], r[1])))
def test_a_batch_of_distinct_contacts_writes_and_refuses_what_one_by_one_does(epi, world, drawn):
    rows = _rows(world, drawn)
    # when the rows go one by one, and (from the same start) as one batch
    single_refused, single = _rolled_back(lambda: _one_by_one(epi, *world, rows))
    bulk_refused, bulk = _rolled_back(lambda: _batch(epi, rows))
    if not single_refused:
        # then good rows write exactly what they write one by one: contacts, dispatches and
        # their work items, events and change log
        assert bulk_refused == {} and bulk == single
        return
    # then the batch refuses the rows refused one by one, naming each one's problem (and any
    # other of the same row), and writes nothing
    assert set(bulk_refused) == set(single_refused)
    assert all(field in bulk_refused[n] for n, (field, _code) in single_refused.items())
    assert not any(bulk.values())
    # and the rows accepted one by one, as a batch, write what they wrote
    accepted = [r for n, r in enumerate(rows, start=1) if n not in single_refused]
    assert _rolled_back(lambda: _batch(epi, accepted)) == ({}, single)


@pytest.fixture
def known(epi, world):
    """The first resident, already a secondary contact of the first investigation."""
    invs, persons = world
    return create_contact(
        invs[0],
        actor=epi,
        person=persons[0],
        tier="secondary_contact",
        setting="venue",
        last_exposure_at=at(11, 11),
    )


def _contacts() -> dict:
    return {
        (c.investigation_id, c.person_id): {f: getattr(c, f) for f in CONTACT}
        for c in Contact.objects.all()
    }


@examples(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=st.lists(row, min_size=1, max_size=6))
def test_a_batch_collapses_repeats_where_one_by_one_refuses_them(epi, world, known, drawn):
    # given rows that may name a person twice, or the one already a contact (``known``)
    rows = _rows(world, drawn)
    single_refused, single = _rolled_back(lambda: _one_by_one(epi, *world, rows))
    bulk_refused, bulk, after = _rolled_back(lambda: (*_batch(epi, rows), _contacts()))
    # then one by one refuses a repeat (or the contact already there) as a duplicate, and the
    # batch refuses only the rows refused for something else, writing nothing
    bad = {n for n, (_field, code) in single_refused.items() if code != "duplicate"}
    assert set(bulk_refused) == bad
    if bad:
        assert not any(bulk.values())
        return
    # and writes one contact per person and investigation: the one written one by one (or the
    # one already there), with the closest tier and the latest exposure of all its rows
    before = _contacts()
    first = {(c["investigation_id"], c["person_id"]): c for c in single["contacts"]}
    pairs: dict[tuple[int, int], list[ContactRow]] = {}
    for r in rows:
        pairs.setdefault((r.investigation_id, r.person_id), []).append(r)
    for pair, found in pairs.items():
        expected = first.get(pair) or before[pair]
        tier, last = expected["tier"], expected["last_exposure_at"]
        for r in found:
            tier, last = closer_tier(tier, r.tier), max(last, r.last_exposure_at)
        assert after[pair] == {**expected, "tier": tier, "last_exposure_at": last}
    assert len(after) == len(before) + len(first)
    # and dispatches the same persons to the same counties, each with its work item (its reason
    # and last exposure are those of the collapsed contact, not of the first row)
    sent = [(d["person_id"], d["jurisdiction_id"], d["to_region"]) for d in bulk["dispatches"]]
    assert sent == [
        (d["person_id"], d["jurisdiction_id"], d["to_region"]) for d in single["dispatches"]
    ]
    assert len(bulk["tasks"]) == len(single["tasks"])
