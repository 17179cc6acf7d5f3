"""Queueing messages: rows written in the cause's transaction, one send job per batch.

``queue_messages(drafts)`` is the one way a message enters the outbox, for one recipient or a
hundred thousand: it plans a row per draft and channel the recipient can be reached on, drops
those whose deduplication key is already taken (an event replayed, a reminder job run twice:
decision 0032), marks opted-out the information messages a recipient refused on that channel
(decision 0043, point 9), writes the rest with ``bulk_create`` in batches and enqueues one
``messaging.send`` job per batch, never one per message. The job runs after the commit, so a
rolled-back cause sends nothing.
"""

import contextlib
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from pingji.core import audit, clock, jobs
from pingji.core.rows import insert

from .. import addresses, catalogue, gateways
from ..choices import Status
from ..models import Message, OptOut

#: Messages per batch (and per ``messaging.send`` job); ``MESSAGING_BATCH`` overrides it.
BATCH = 500
#: Keys or ids per look-up, under SQLite's limit on a statement's variables.
CHUNK = 5000
#: What a message waiting for a channel nobody configured says (the demo runs without gateways).
NO_GATEWAY = "no gateway configured"


def batch_size() -> int:
    return int(getattr(settings, "MESSAGING_BATCH", BATCH))


@dataclass
class Draft:
    """One message to plan: whom, which template with which (already masked) fields, and the
    cause that makes it unique (``event:12``, ``release:7``, ``test:31:2021-09-25``)."""

    recipient: models.Model
    template: str
    fields: Mapping[str, Any]
    cause: str
    subject: models.Model | None = None
    channels: tuple[str, ...] = field(default=())


def history_entry(status: str, note: str = "", **facts) -> dict:
    """One line of a message's history: when (the clock's now), the state it entered, why."""
    entry = {"at": clock.now().isoformat(), "status": status}
    if note:
        entry["note"] = note
    entry.update({k: v for k, v in facts.items() if v not in (None, "")})
    return entry


def _plan_one(draft: Draft, live: set[str], queued: dict[str, dict]) -> list[Message]:
    """The rows of one draft. The recipient and subject go in by id (``person_id``), which
    spares the model's relation checks on the hundred thousand rows of an area's residents."""
    template = catalogue.get(draft.template)
    template.check(draft.fields)  # a missing or unknown field fails where the draft is made
    subject = draft.subject
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    recipient, kind = draft.recipient, addresses.kind_of(draft.recipient)
    common = {
        "jurisdiction_code": addresses.scope_of(recipient),
        "recipient_kind": kind,
        f"{kind}_id": recipient.pk,
        "recipient_label": addresses.label_of(recipient)[:200],
        "template": template.key,
        "subject_type_id": subject_type.pk if subject_type is not None else None,
        "subject_id": str(subject.pk) if subject is not None else "",
        "cause": draft.cause[:100],
    }
    rows = []
    for channel in draft.channels or template.channels:
        try:
            address = addresses.masked(recipient, channel)
        except addresses.NoAddress:
            continue  # not reachable on this channel: nothing to queue
        note = "" if channel in live else NO_GATEWAY
        rows.append(
            Message(
                **common,
                address_masked=address[:200],
                channel=channel,
                fields=dict(draft.fields),
                dedup_key=f"{draft.cause}|{kind}:{recipient.pk}|{template.key}|{channel}"[:200],
                error=note,
                history=[dict(queued[note])],
            )
        )
    return rows


def plan(drafts: Iterable[Draft]) -> list[Message]:
    """The rows the drafts make, one per reachable channel, without writing anything."""
    live = set(gateways.configured_channels())
    queued = {note: history_entry(Status.QUEUED, note) for note in ("", NO_GATEWAY)}
    return [row for draft in drafts for row in _plan_one(draft, live, queued)]


def _taken(keys: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        taken |= set(
            Message.objects.filter(dedup_key__in=chunk).values_list("dedup_key", flat=True)
        )
    return taken


def _opted_out(rows: list[Message]) -> None:
    """Mark opted-out the information messages whose recipient refused that channel."""
    info = [r for r in rows if not catalogue.get(r.template).legal]
    ids = sorted({str(getattr(r, f"{r.recipient_kind}_id")) for r in info})
    refused: set[tuple[str, str, str]] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = OptOut.objects.filter(recipient_id__in=ids[start : start + CHUNK])
        refused |= set(chunk.values_list("recipient_kind", "recipient_id", "channel"))
    if not refused:
        return
    for row in info:
        key = (row.recipient_kind, str(getattr(row, f"{row.recipient_kind}_id")), row.channel)
        if key in refused:
            row.status, row.error = Status.OPTED_OUT, ""
            row.history.append(history_entry(Status.OPTED_OUT, "the recipient opted out"))


def queue_messages(drafts: Iterable[Draft], *, actor=None) -> list[Message]:
    """Write the messages of ``drafts`` that are not queued yet; returns the rows written
    (without their ids when there were more than ``audit.LOAD_ROWS``: ``_write_batch``).

    Runs in the caller's transaction (an event's handler) or its own, so the rows exist exactly
    when their cause does; each batch's send job is enqueued for after the commit.
    """
    rows = plan(drafts)  # reads only: nobody to tell costs no transaction
    if not rows:
        return []
    with transaction.atomic():
        seen: set[str] = set()
        rows = [r for r in rows if not (r.dedup_key in seen or seen.add(r.dedup_key))]  # type: ignore[func-returns-value]
        taken = _taken([r.dedup_key for r in rows])
        rows = [r for r in rows if r.dedup_key not in taken]
        _opted_out(rows)
        load = len(rows) > audit.LOAD_ROWS
        with audit.loading(f"{len(rows)} messages queued") if load else contextlib.nullcontext():
            size = batch_size()
            for start in range(0, len(rows), size):
                _write_batch(rows[start : start + size], actor, load=load)
    return rows


def _write_batch(rows: list[Message], actor, *, load: bool) -> None:
    """Write one batch and enqueue its send job (after the commit).

    A queue of thousands (an area's residents) is a load: its rows go in through
    ``core.rows.insert``, the project's ``bulk_create`` without the cost of compiling every value
    into the SQL text, logged per statement like every load (docs/architecture.md); nothing
    refers to a queued row by its id (the job claims by batch), so the ids it does not return are
    not missed. A smaller queue is a ``bulk_create``, logged row by row.
    """
    batch = uuid.uuid4().hex
    for row in rows:
        row.batch = batch
    if load:
        insert(Message, rows)
    else:
        Message.objects.bulk_create(rows, batch_size=1000)
    live = set(gateways.configured_channels())
    if any(r.status == Status.QUEUED and r.channel in live for r in rows):
        code = os.path.commonprefix([r.jurisdiction_code for r in rows])
        jobs.enqueue("messaging.send", {"batch": batch}, actor=actor, jurisdiction_code=code)
