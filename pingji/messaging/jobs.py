"""The messaging jobs: sending a batch, and the day-before reminders of tests at home.

Both are idempotent, as every job must be (decision 0032): ``messaging.send`` only claims rows
that are still due, so a second delivery of the same job finds nothing left to send; and
``messaging.remind_tests`` queues through ``outbox``, whose deduplication key (the test and its
day) lets a second run queue nothing.
"""

import datetime

from pingji.core import clock
from pingji.core.jobs import job

from . import causes
from .actions.outbox import queue_messages
from .actions.sending import send_due


@job("messaging.send")
def send(progress, batch: str = "") -> dict:
    """Send the due messages of ``batch`` (all due messages when empty): the periodic run
    (``pingji messages --send``) also retries what met a transient failure."""
    progress(0, None, "sending")
    return send_due(batch=batch)


def tests_due(on: datetime.date):
    """The pending scheduled tests at home, due on ``on``, of placements still active."""
    from pingji.quarantine.choices import PlacementStatus, Setting, TestStatus
    from pingji.quarantine.models import ScheduledTest

    return (
        ScheduledTest.objects.filter(
            due_on=on,
            status=TestStatus.PENDING,
            setting=Setting.HOME,
            placement__status=PlacementStatus.ACTIVE,
        )
        .select_related("placement", "placement__person")
        .order_by("id")
    )


def remind_tests_due(on: datetime.date) -> int:
    """Queue a reminder to each person whose test at home falls on the day after ``on``."""
    drafts = (causes.test_due(t) for t in tests_due(on + datetime.timedelta(days=1)).iterator())
    return len(queue_messages(drafts))


@job("messaging.remind_tests")
def remind_tests(progress, on: str | None = None) -> dict:
    """The daily sweep of reminders (ISO date of the run's day; default: today). Run it once a
    day, in the evening (``pingji messages --remind``)."""
    day = datetime.date.fromisoformat(on) if on else clock.today()
    progress(0, 1, "reminding")
    return {"queued": remind_tests_due(day)}
