"""Reactions to the domains' events (registered in ``apps.MessagingConfig.ready``).

Each handler runs in the transaction that records its event (decision 0024), so a message is
queued exactly when its cause is written: a rolled-back release queues nothing, and the send
job, enqueued for after the commit, never sends for a decision that did not happen. The texts
and recipients are ``causes``'; the queueing, its deduplication and opt-outs, ``outbox``'s.
"""

from pingji.areas.contracts import PUBLISHED
from pingji.core.events import subscribe
from pingji.quarantine.contracts import RELEASED
from pingji.reopening.contracts import PAUSED, RESUMED
from pingji.tasks.contracts import ESCALATED
from pingji.tracing.contracts import DISPATCHED

from . import causes
from .actions.outbox import queue_messages


@subscribe(DISPATCHED)
def on_dispatched(event) -> None:
    queue_messages(causes.dispatch_received(event))


@subscribe(ESCALATED)
def on_escalated(event) -> None:
    queue_messages(causes.task_escalated(event))


@subscribe(RELEASED)
def on_released(event) -> None:
    queue_messages(causes.released(event))


@subscribe(RESUMED, PAUSED)
def on_establishment_decided(event) -> None:
    queue_messages(causes.establishment_decided(event))


@subscribe(PUBLISHED)
def on_area_published(event) -> None:
    queue_messages(causes.area_published(event))
