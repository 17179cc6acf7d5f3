"""Sending: claim due rows, hand each to its gateway, record what happened (decision 0043, 7–8).

A claim moves rows from ``queued`` to ``sending`` with one conditional ``UPDATE`` that names the
claim's token and re-checks, in its ``WHERE``, that each row is still due: two workers (two
deliveries of one job, or two jobs) that pick the same rows both run it, and each row goes to
exactly one of them; the other finds its token on no row. On PostgreSQL the rows are also read
``FOR UPDATE SKIP LOCKED``, so concurrent workers take different rows instead of waiting. A claim
is a lease: a worker that died while sending leaves its rows to the next claim once the lease
runs out, which sends them again with the same idempotency key (at least once, decision 0032).

The outcome is recorded only on a row that still carries this claim's token, so a worker whose
lease ran out cannot overwrite what its successor recorded. Every state change is appended to
the row's ``history`` and, the rows being audited models, to the change log.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from pingji.core import clock
from pingji.core.jobs import Transient

from .. import addresses, catalogue, gateways
from ..choices import Status
from ..models import Message
from .outbox import NO_GATEWAY, history_entry

#: Attempts before a transient failure is final (``MESSAGING_MAX_ATTEMPTS``).
MAX_ATTEMPTS = 5
#: The first retry waits this long, each later one twice the one before
#: (``MESSAGING_BACKOFF_SECONDS``), never more than ``MAX_BACKOFF`` (``MESSAGING_MAX_BACKOFF``).
BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 3600.0
#: How long a claim holds a row while its gateway answers (``MESSAGING_LEASE_SECONDS``).
LEASE_SECONDS = 120.0


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def max_attempts() -> int:
    return int(_setting("MESSAGING_MAX_ATTEMPTS", MAX_ATTEMPTS))


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th transient failure: doubling from the base, capped."""
    base = _setting("MESSAGING_BACKOFF_SECONDS", BACKOFF_SECONDS)
    cap = _setting("MESSAGING_MAX_BACKOFF", MAX_BACKOFF_SECONDS)
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _due(now: datetime.datetime, real: datetime.datetime) -> Q:
    """Queued rows whose time has come (the platform's clock, like the back-off that set it),
    and rows whose sender's lease ran out (real time, like every lease: decision 0030)."""
    queued = Q(status=Status.QUEUED, next_attempt_at__lte=now)
    return queued | Q(status=Status.SENDING, lease_until__lt=real)


@dataclass
class Claim:
    token: str
    at: datetime.datetime
    rows: list[Message]


def claim(limit: int, *, batch: str = "", exclude: set[int] | None = None) -> Claim:
    """Take up to ``limit`` due rows of configured channels (of ``batch`` if given)."""
    token, now, real = uuid.uuid4().hex, clock.now(), clock.real_now()
    due = _due(now, real)
    rows = Message.objects.filter(due, channel__in=gateways.configured_channels())
    if batch:
        rows = rows.filter(batch=batch)
    if exclude:
        rows = rows.exclude(pk__in=exclude)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
        if ids:
            Message.objects.filter(due, pk__in=ids).update(
                status=Status.SENDING,
                claim=token,
                lease_until=real
                + datetime.timedelta(seconds=_setting("MESSAGING_LEASE_SECONDS", LEASE_SECONDS)),
                attempts=F("attempts") + 1,
            )
    taken = Message.objects.filter(claim=token, status=Status.SENDING)
    related = ("person", "user", "establishment__liaison")
    return Claim(token, now, list(taken.select_related(*related).order_by("id")))


def render(message: Message) -> tuple[str, str]:
    """(subject, body) of a message now, send-time fields resolved (never stored)."""
    template = catalogue.get(message.template)
    extra = {name: fn(message) or "" for name, fn in template.send_time_fields.items()}
    return template.render(message.fields, extra)


def preview(message: Message) -> tuple[str, str]:
    """(subject, body) as the outbox shows them: send-time fields left as a marker. A row whose
    fields no longer fit its template (a text changed since) shows why instead of failing the
    page; sending it fails the row with the same reason."""
    template = catalogue.get(message.template)
    extra = {name: f"[{name}]" for name in template.send_time_fields}
    try:
        return template.render(message.fields, extra)
    except catalogue.TemplateFieldError as exc:
        return "", str(exc)


def deliver(message: Message, claimed: Claim) -> str:
    """Send one claimed message and record the outcome; returns the status it ended in."""
    gateway = gateways.for_channel(message.channel)
    try:
        if gateway is None:
            raise Transient(NO_GATEWAY)
        if message.recipient is None:
            raise addresses.NoAddress("the recipient was deleted")
        subject, body = render(message)
        address = addresses.plain(message.recipient, message.channel)
        receipt = gateway.send(gateways.Outgoing(message.pk, address, subject, body))
    except Transient as exc:
        return _record_transient(message, claimed, str(exc), gateway)
    except (gateways.Refused, addresses.NoAddress, catalogue.TemplateFieldError) as exc:
        reason = str(exc) or type(exc).__name__
        return _record(message, claimed, Status.FAILED, reason, gateway, error=reason)
    return _record(message, claimed, Status.SENT, "", gateway, receipt=receipt)


def _record_transient(message, claimed: Claim, reason: str, gateway) -> str:
    attempts = message.attempts  # already counted by the claim
    if attempts >= max_attempts():
        note = f"{reason}; gave up after {attempts} attempts"
        return _record(message, claimed, Status.FAILED, note, gateway, error=note)
    wait = backoff(attempts)
    return _record(
        message,
        claimed,
        Status.QUEUED,
        f"{reason}; retry in {int(wait.total_seconds())} s",
        gateway,
        error=reason,
        next_attempt_at=clock.now() + wait,
    )


def _record(message, claimed: Claim, status: str, note: str, gateway, **values) -> str:
    """Write the outcome on the row, if it still carries this claim (else another took it)."""
    with transaction.atomic():
        row = (
            Message.objects.select_for_update()
            .filter(pk=message.pk, claim=claimed.token, status=Status.SENDING)
            .first()
        )
        if row is None:
            return Status.SENDING
        row.history = [
            *row.history,
            {"at": claimed.at.isoformat(), "status": Status.SENDING, "attempt": row.attempts},
            history_entry(status, note, receipt=values.get("receipt", "")),
        ]
        row.status, row.claim, row.lease_until = status, "", None
        row.gateway = gateway.name if gateway is not None else ""
        if status == Status.SENT:
            row.receipt_id, row.sent_at, row.error = values["receipt"][:100], clock.now(), ""
        else:
            row.error = values.get("error", "")[:500]
        row.next_attempt_at = values.get("next_attempt_at", row.next_attempt_at)
        row.save()
    return status


def send_due(*, batch: str = "", limit: int | None = None) -> dict[str, int]:
    """Claim and send due rows (of ``batch``) until none is left that this run has not tried.

    A row that failed for a moment is tried again by a later run (the periodic ``pingji messages
    --send``, or another batch's job) once its back-off has passed, not by this one.
    """
    from .outbox import batch_size

    counts: dict[str, int] = {}
    tried: set[int] = set()
    while True:
        claimed = claim(limit or batch_size(), batch=batch, exclude=tried)
        if not claimed.rows:
            return counts
        for message in claimed.rows:
            tried.add(message.pk)
            status = deliver(message, claimed)
            counts[status] = counts.get(status, 0) + 1
