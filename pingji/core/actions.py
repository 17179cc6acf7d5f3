"""The kit every domain's actions share: field errors, times, row locks and events on a subject.

Each app used to carry its own copy of these few helpers, and copies drift: one read a naive time
in the active zone instead of Asia/Shanghai, another allowed no clock slack. They live here once,
so every action answers bad input the same way (a ``ValidationError`` keyed by field, which forms
and the API show next to that field) and reads the time from the one clock (decision 0030).

Core imports no other app of the platform, so this module knows only Django and core.
"""

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, overload

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from . import clock
from .context import current_actor, current_request_id
from .events import record_event, summary_fields
from .jurisdiction import jurisdiction_of
from .messages import Message
from .models import DomainEvent

#: Clocks of phones, laboratories and reporting systems drift; a time this far ahead of ours is
#: still "now", not a time in the future.
FUTURE_SLACK = datetime.timedelta(minutes=5)

M = TypeVar("M", bound=models.Model)


def error(field: str, message: str, code: str = "invalid") -> ValidationError:
    """A refusal keyed by the field it is about, so the form or the API shows it there."""
    return ValidationError({field: ValidationError(message, code=code)})


class Conflict(ValidationError):
    """A write refused because the record moved under the caller, not because the input is wrong.

    The step was already taken (a dispatch answered, a transition decided, a task verified) or
    another writer won the race for the same row: the request was right for the state the caller
    saw, and reloading shows why it no longer is. The API answers it 409 and a form's page 409,
    with the same body as a refusal of input (400); being a ``ValidationError`` it lands on the
    form's field like any other (docs/decisions/0038).
    """


def conflict(field: str, message: str, code: str = "conflict") -> Conflict:
    """A ``Conflict`` keyed by the field whose stored state refuses the step (often ``status``)."""
    return Conflict({field: ValidationError(message, code=code)})


def field_errors(messages: Mapping[str, str], code: str = "invalid") -> ValidationError:
    """Several refusals at once, each keyed by its field: a form shows every problem together
    instead of one per submit."""
    return ValidationError({f: ValidationError(m, code=code) for f, m in messages.items()})


@overload
def aware(value: datetime.datetime) -> datetime.datetime: ...
@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime.datetime | None) -> datetime.datetime | None: ...
def aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A naive time read in the platform's zone (Asia/Shanghai), as Chinese forms write it.

    The default zone, not the active one: a user who switched the UI's zone still means
    Shanghai time when an upload or an import gives a bare ``2021-09-12 08:00``.
    """
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, timezone.get_default_timezone())


def local_date(value: datetime.datetime) -> datetime.date:
    """The day a time falls on in the platform's zone: the calendar the bulletins count by."""
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def in_future(at: datetime.datetime) -> bool:
    """Whether ``at`` lies ahead of the clock by more than the slack."""
    return at > clock.now() + FUTURE_SLACK


def not_in_future(
    at: datetime.datetime, field: str, message: str | None = None
) -> datetime.datetime:
    """``at`` (made aware) if it is not in the future, else a refusal keyed by ``field``.

    An event time is the caller's word for when something happened; one in the future is a typo
    or a wrong clock, and would count a fact on a day that has not come.
    """
    value = aware(at)
    if in_future(value):
        raise error(field, message or _("The time is in the future."))
    return value


def locked(
    instance: M, actor: Any = None, action: str = "change", *, outside: str | None = None
) -> M:
    """The row of ``instance`` re-read and locked ``FOR UPDATE`` for this transaction.

    A step decides on the row as it stands under the lock, not as the caller loaded it moments
    before, so two people acting at once cannot both pass the same check. With an ``actor`` the
    row is read through ``restrict(actor, action)``: one that left the actor's area (or never was
    in it) is ``PermissionDenied`` with ``outside`` as the message.
    """
    manager = type(instance)._default_manager
    if actor is None:
        return manager.select_for_update().get(pk=instance.pk)
    rows = manager.restrict(actor, action)  # type: ignore[attr-defined]
    fresh = rows.select_for_update().filter(pk=instance.pk).first()
    if fresh is None:
        raise PermissionDenied(outside or f"{instance._meta.verbose_name} is outside your area")
    return fresh


def scope_of(subject: models.Model) -> str:
    """The jurisdiction code a subject belongs to (its ``scope_field``, else its jurisdiction)."""
    return jurisdiction_of(subject) or str(getattr(subject, "jurisdiction_id", "") or "")


def record_on(
    subject: models.Model,
    kind: str,
    summary: str | Message,
    *,
    actor: Any = None,
    payload: Mapping[str, Any] | None = None,
    at: datetime.datetime | None = None,
    jurisdiction_code: str | None = None,
) -> DomainEvent:
    """Record an event about ``subject``, in its jurisdiction unless one is given.

    The jurisdiction decides who sees the event (everyone at or above it), so it is the subject's
    own scope by default: a placement's event is seen where its site is, a task's where its owner
    is. Give ``jurisdiction_code`` where the subject's scope is not the one that should see it.
    """
    return record_event(
        kind,
        summary,
        jurisdiction_code=scope_of(subject) if jurisdiction_code is None else jurisdiction_code,
        subject=subject,
        payload=payload,
        actor=actor,
        at=at,
    )


def event_on(
    subject: models.Model,
    kind: str,
    summary: str | Message,
    *,
    actor: Any = None,
    payload: Mapping[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> DomainEvent:
    """The event ``record_on`` would record about ``subject``, built (not saved) for a bulk path
    to write with the rest of its batch in one ``record_events``, which checks it, sets its
    record time and runs its subscribers."""
    actor = actor if actor is not None else current_actor()
    return DomainEvent(
        kind=kind,
        time=at,  # type: ignore[misc]  # None: record_events sets it to the record time
        **summary_fields(summary),
        actor=actor if getattr(actor, "pk", None) else None,
        request_id=current_request_id(),
        jurisdiction_code=scope_of(subject),
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        payload=dict(payload or {}),
    )
