"""Domain events: named facts written by actions in the same transaction as their change.

They are also how a later domain reacts to an earlier one without importing back up (apps depend
downward, decision 0024): reopening subscribes to ``cases.reported`` to pause an establishment, for
instance, while cases knows nothing of reopening.

Every kind is *declared* once, by the app that emits it, in that app's ``contracts`` module::

    class ProposedPayload(TypedDict):
        transition: int
        kind: str

    PROPOSED = declare("areas.proposed", "a risk-area transition proposed", ProposedPayload)

so that the kinds form a registry instead of strings scattered over emitters, subscribers,
indicators and reports: a typo in any of them fails loudly (``UnknownEventKind``) instead of
silently counting nothing, and a payload that lost or invented a key is refused where it is
written, not discovered in a report weeks later.

Two times are kept on each event (decision 0030): ``time`` is when the thing happened (``at``,
given by the caller, default now) and ``recorded_at`` when the platform learned it (always the
clock's now). Nothing is back-dated by patching a row after the fact.
"""

import datetime
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from . import clock, rows
from .access import ScopedQuerySet
from .context import current_actor, current_request_id
from .messages import Message
from .models import DomainEvent

#: A handler takes one event, or a list of events where it subscribed with ``batch=True``.
Handler = Callable[[Any], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_batched: set[Handler] = set()

#: The longest kind ``DomainEvent.kind`` holds.
MAX_KIND_LENGTH = 64


class UnknownEventKind(ValueError):
    """An event kind nobody declared: a typo, or an app that forgot its ``contracts`` entry."""


class EventPayloadError(ValueError):
    """A payload whose keys do not match the TypedDict its kind was declared with."""


@dataclass(frozen=True)
class EventKind:
    """A declared kind: what it means and the shape of its payload (a TypedDict, or None)."""

    kind: str
    doc: str
    payload: type | None
    module: str


_kinds: dict[str, EventKind] = {}


def declare(kind: str, doc: str, payload: type | None = None) -> str:
    """Register an event kind and return it, so an app writes ``X = declare("app.x", ...)``.

    ``payload`` is a ``TypedDict`` class: its required keys must be present in every payload of
    this kind and no other keys may appear (``total=False`` or ``NotRequired`` for optional ones).
    None means the kind carries no payload. A kind declared twice is refused: two apps (or two
    places of one app) would otherwise each believe they own its meaning.
    """
    app, _sep, name = kind.partition(".")
    if not (app and name) or len(kind) > MAX_KIND_LENGTH:
        raise ValueError(f"event kind {kind!r} must be 'app.name', at most {MAX_KIND_LENGTH} long")
    if payload is not None and not hasattr(payload, "__required_keys__"):
        raise TypeError(f"the payload of {kind!r} must be a TypedDict class")
    if kind in _kinds:
        raise ValueError(f"event kind {kind!r} is already declared in {_kinds[kind].module}")
    _kinds[kind] = EventKind(kind, doc, payload, _caller_module())
    return kind


def _caller_module() -> str:
    frame = sys._getframe(2)
    return str(frame.f_globals.get("__name__", "?"))


def declared(kind: str) -> EventKind:
    """The declaration of ``kind``; ``UnknownEventKind`` if there is none."""
    try:
        return _kinds[kind]
    except KeyError:
        raise UnknownEventKind(
            f"event kind {kind!r} is not declared; declare it in its app's contracts module"
        ) from None


def declared_kinds() -> dict[str, EventKind]:
    """Every declared kind (a copy), for checks and documentation."""
    return dict(_kinds)


def payload_keys(kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """The required and the optional payload keys of ``kind`` (both empty for no payload)."""
    spec = declared(kind).payload
    if spec is None:
        return frozenset(), frozenset()
    required: frozenset[str] = getattr(spec, "__required_keys__")  # noqa: B009 — a TypedDict's
    optional: frozenset[str] = getattr(spec, "__optional_keys__")  # noqa: B009
    return required, optional


def check_payload(kind: str, payload: Mapping[str, Any] | None) -> None:
    """Refuse an undeclared kind, or a payload missing a required key or carrying an unknown one.

    Cheap (two set differences), so it always runs: indicators and reports read these keys, and
    a key renamed on one side would otherwise make a figure quietly read zero.
    """
    spec = declared(kind).payload
    keys = set(payload or ())
    if spec is None:
        if keys:
            raise EventPayloadError(f"{kind} carries no payload, got {sorted(keys)}")
        return
    required, optional = payload_keys(kind)
    missing, unknown = required - keys, keys - required - optional
    if missing or unknown:
        raise EventPayloadError(
            f"payload of {kind} ({spec.__name__}): missing {sorted(missing)}, "
            f"unknown {sorted(unknown)}"
        )


def subscribe(*kinds: str, batch: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler for events of these kinds (decorator; import it in ``AppConfig.ready``).

    With ``batch=True`` the handler takes a list of events: one event from ``record_event``, and
    every event of its kinds at once from ``record_events``, in the order they happened, after the
    one-event handlers of the batch have run. A reaction that can be written set-based (one query
    per batch, not per event) subscribes so, and a bulk path then costs it a handful of queries.

    Handlers run inside the transaction that records the event, so the reaction and its cause are
    written together or not at all; a handler that raises rolls both back. Keep them quick: heavy
    reactions enqueue a job (``core.jobs.enqueue``), which runs after the commit. A subscribed kind
    that no app declares is reported by the system check ``core.E001`` (the declaring module may
    not be imported yet when a handler subscribes, so it is not refused here).
    """

    def register(handler: Handler) -> Handler:
        for kind in kinds:
            if handler not in _handlers[kind]:
                _handlers[kind].append(handler)
        if batch:
            _batched.add(handler)
        return handler

    return register


def subscribed_kinds() -> set[str]:
    """Every kind some handler subscribes to."""
    return {kind for kind, handlers in _handlers.items() if handlers}


def has_subscribers(kind: str) -> bool:
    """Whether a handler reacts to events of ``kind`` (a bulk writer must then let it run)."""
    return bool(_handlers.get(kind))


def _aware(at: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(at):
        return timezone.make_aware(at, timezone.get_default_timezone())
    return at


def summary_fields(summary: str | Message) -> dict[str, Any]:
    """An event's ``summary`` as text in the writer's language, and the ``message`` it was made
    from (empty for plain text), which timelines translate for each reader (``core.messages``):
    the fields of a ``DomainEvent`` built for ``record_events``."""
    kept = summary.stored if isinstance(summary, Message) else {}
    return {"summary": str(summary)[:300], "message": kept}


def record_event(
    kind: str,
    summary: str | Message,
    *,
    jurisdiction_code: str,
    subject: models.Model | None = None,
    payload: Mapping[str, Any] | None = None,
    actor: Any = None,
    at: datetime.datetime | None = None,
) -> DomainEvent:
    """Write one domain event; call it inside the action's ``transaction.atomic`` block.

    ``at`` is when the thing happened (a report time, a replayed run's now; default: the clock's
    now); the record time is always the clock's now. Validating ``at`` against the user's input
    (not in the future, not before its cause) is the action's job, where it can name the field.
    """
    check_payload(kind, payload)
    actor = actor if actor is not None else current_actor()
    recorded = clock.now()
    event = DomainEvent.objects.create(
        kind=kind,
        time=_aware(at) if at is not None else recorded,
        recorded_at=recorded,
        **summary_fields(summary),
        actor=actor if getattr(actor, "pk", None) else None,
        request_id=current_request_id(),
        jurisdiction_code=jurisdiction_code,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=str(subject.pk) if subject is not None else "",
        payload=dict(payload or {}),
    )
    for handler in _handlers.get(kind, ()):
        handler([event] if handler in _batched else event)
    return event


def events_for(subject: models.Model) -> ScopedQuerySet:
    """The timeline of one object, oldest first."""
    return DomainEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
    ).order_by("time", "id")


def record_events(events: list[DomainEvent]) -> list[DomainEvent]:
    """Write many prepared events at once (bulk paths, the demo's replay); returns them.

    Each event is built by the caller with its own ``time`` (when it happened) and its summary
    (``summary_fields``); its kind and payload are checked as in ``record_event`` before anything
    is written, and its record time is set to the clock's now, whatever the caller put there. The
    events someone subscribes to are created with ids, in the order they happened, and their
    subscribers run inside the caller's transaction as for ``record_event``, a batch subscriber
    once with all of its events (``subscribe``); the rest, most of a bulk write, are inserted
    without ids by ``core.rows.insert``, which costs a fraction of ``bulk_create``.
    """
    recorded = clock.now()
    for event in events:
        check_payload(event.kind, event.payload)
        event.summary = event.summary[:300]
        event.recorded_at = recorded
        if event.time is None:
            event.time = recorded
    heard = sorted((e for e in events if has_subscribers(e.kind)), key=lambda e: e.time)
    created = DomainEvent.objects.bulk_create(heard, batch_size=1000)
    rows.insert(DomainEvent, [e for e in events if not has_subscribers(e.kind)])
    batches: dict[Handler, list[DomainEvent]] = {}
    for event in created:
        for handler in _handlers.get(event.kind, ()):
            if handler in _batched:
                batches.setdefault(handler, []).append(event)
            else:
                handler(event)
    for handler, batch in batches.items():
        handler(batch)
    return events
