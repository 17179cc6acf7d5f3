"""Domain events: named facts written by actions in the same transaction as their change."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .context import current_actor, current_request_id
from .models import DomainEvent


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
    return DomainEvent.objects.create(
        kind=kind,
        summary=str(summary)[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        request_id=current_request_id(),
        jurisdiction_code=jurisdiction_code,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=str(subject.pk) if subject is not None else "",
        payload=payload or {},
    )


def events_for(subject: models.Model):
    """The timeline of one object, oldest first."""
    return DomainEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
    ).order_by("time", "id")
