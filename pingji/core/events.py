"""Domain events: named facts written by actions in the same transaction as their change.

They are also how a later domain reacts to an earlier one without importing back up (handbook:
apps depend downward): reopening subscribes to ``cases.reported`` to pause an establishment, for
instance, while cases knows nothing of reopening.
"""

from collections import defaultdict
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .context import current_actor, current_request_id
from .models import DomainEvent

Handler = Callable[[DomainEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(*kinds: str) -> Callable[[Handler], Handler]:
    """Register a handler for events of these kinds (decorator; import it in ``AppConfig.ready``).

    Handlers run inside the transaction that records the event, so the reaction and its cause are
    written together or not at all; a handler that raises rolls both back. Keep them quick: heavy
    reactions enqueue a job (``core.jobs.enqueue``), which runs after the commit.
    """

    def register(handler: Handler) -> Handler:
        for kind in kinds:
            if handler not in _handlers[kind]:
                _handlers[kind].append(handler)
        return handler

    return register


def has_subscribers(kind: str) -> bool:
    """Whether a handler reacts to events of ``kind`` (a bulk writer must then let it run)."""
    return bool(_handlers.get(kind))


def record_event(
    kind: str,
    summary: str,
    *,
    jurisdiction_code: str,
    subject: models.Model | None = None,
    payload: dict | None = None,
    actor=None,
) -> DomainEvent:
    """Write one domain event; call it inside the action's ``transaction.atomic`` block."""
    actor = actor if actor is not None else current_actor()
    event = DomainEvent.objects.create(
        kind=kind,
        summary=str(summary)[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        request_id=current_request_id(),
        jurisdiction_code=jurisdiction_code,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=str(subject.pk) if subject is not None else "",
        payload=payload or {},
    )
    for handler in _handlers.get(kind, ()):
        handler(event)
    return event


def events_for(subject: models.Model):
    """The timeline of one object, oldest first."""
    return DomainEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
    ).order_by("time", "id")


def record_events(events: list[DomainEvent]) -> list[DomainEvent]:
    """Write many prepared events at once (bulk loads such as the demo's replay).

    Each event is built by the caller with its own ``time``; subscribers run for each, inside the
    caller's transaction, exactly as for ``record_event``.
    """
    created = DomainEvent.objects.bulk_create(events, batch_size=1000)
    for event in created:
        for handler in _handlers.get(event.kind, ()):
            handler(event)
    return created
