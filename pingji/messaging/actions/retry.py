"""Sending a failed message again, from its page or the API, by someone who may
(``messaging.retry_message``) in whose area the recipient is."""

from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core import clock, jobs
from pingji.core.actions import conflict, locked

from ..choices import Status
from ..models import Message
from .outbox import history_entry


def do_retry_message(message: Message, *, actor) -> Message:
    """Put a failed message back in the queue with a fresh count of attempts, and wake a sender.

    Safe to send again: the gateway receives the same message id as its idempotency key.
    """
    with transaction.atomic():
        row = locked(message, actor, "retry", outside=_("This message is outside your area."))
        if row.status != Status.FAILED:
            raise conflict("status", _("Only a failed message is sent again."))
        who = getattr(actor, "username", "")
        row.history = [*row.history, history_entry(Status.QUEUED, f"sent again by {who}")]
        row.status, row.attempts, row.error = Status.QUEUED, 0, ""
        row.next_attempt_at = clock.now()
        row.save()
        jobs.enqueue(
            "messaging.send",
            {"batch": row.batch},
            actor=actor,
            jurisdiction_code=row.jurisdiction_code,
        )
    return row
