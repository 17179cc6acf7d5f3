"""The platform's clock: the one source of "now" and "today" (docs/decisions/0030).

Every time the platform stamps on a fact — the record time of an event, the default event time of
an action, the bound of "not in the future" — reads this module, so that the current time is
decided in one place. That is what lets an instance live in its own time: the demo replays
September 2021 and a drill sandbox shares its clock; a test freezes or shifts this clock instead
of the operating system's.

For now ``now()`` is the server's time (``django.utils.timezone.now()``). An instance *offset*
(stored once, so web, workers and CLI agree) is to be added here and only here: code that asks this
module for the time then follows it without a single demo branch of its own.
"""

import contextlib
import contextvars
import datetime

from django.utils import timezone

_PINNED: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "pingji_clock_pinned", default=None
)


def now() -> datetime.datetime:
    """The current time, timezone-aware (UTC inside; shown in Asia/Shanghai).

    The single place where an instance offset (the demo's 2021-09-20 08:00) will be applied.
    """
    pinned = _PINNED.get()
    return timezone.now() if pinned is None else pinned


@contextlib.contextmanager
def pinned(when: datetime.datetime):
    """Hold the clock at ``when`` inside the block, for this thread of work only: everything the
    block writes (events, change-log rows, links) is recorded at ``when``. This is how history is
    written as it happened — a test setting up September 2021 — so that a read "as of" a day sees
    exactly what was known by then. Model fields default to ``now``, so they follow it too.
    """
    token = _PINNED.set(when)
    try:
        yield
    finally:
        _PINNED.reset(token)


def today() -> datetime.date:
    """Today's date on the platform's calendar (Django's default zone: Asia/Shanghai).

    The local date, not the UTC one: between 00:00 and 08:00 in Shanghai the two differ, and the
    bulletins, deadlines and daily counts all run on the local calendar.
    """
    return timezone.localtime(now(), timezone.get_default_timezone()).date()
