"""The platform's clock: the one source of "now" and "today" (docs/decisions/0030).

Every time the platform stamps on a fact — the record time of an event, the default event time of
an action, the bound of "not in the future" — reads this module, so that the current time is
decided in one place. That is what lets an instance live in its own time: the demo lives in
September 2021 and a drill sandbox shares its clock; a test freezes or shifts this clock instead
of the operating system's.

An instance may set its clock (``set_now``): the instant it is set to is stored once, with the
server's time at that moment, in ``core.InstanceClock``, so that web processes, workers and the CLI
agree; from then on the instance's now advances with real time from there. Production sets
nothing and ``now()`` is the server's time.

``real_now()`` is the server's own time, for what measures real elapsed time and must not move
when an instance's clock is set: job leases, login throttles, token expiry.
"""

import contextlib
import contextvars
import datetime
import time

from django.utils import timezone

_PINNED: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "pingji_clock_pinned", default=None
)
#: How long a process trusts the offset it read before reading the row again: another process
#: (the CLI setting the demo's clock) is followed within this many seconds.
OFFSET_TTL_SECONDS = 30.0
_offset: tuple[datetime.timedelta, float] | None = None  # (offset, monotonic time it expires)


def real_now() -> datetime.datetime:
    """The server's time, whatever the instance's clock says (leases, throttles, expiry)."""
    return timezone.now()


def now() -> datetime.datetime:
    """The platform's current time, timezone-aware (UTC inside; shown in Asia/Shanghai): the
    pinned moment inside ``pinned``, else the server's time moved by the instance's offset."""
    pinned_at = _PINNED.get()
    if pinned_at is not None:
        return pinned_at
    return timezone.now() + offset()


def today() -> datetime.date:
    """Today's date on the platform's calendar (Django's default zone: Asia/Shanghai).

    The local date, not the UTC one: between 00:00 and 08:00 in Shanghai the two differ, and the
    bulletins, deadlines and daily counts all run on the local calendar.
    """
    return timezone.localtime(now(), timezone.get_default_timezone()).date()


def offset() -> datetime.timedelta:
    """How far the instance's clock is from the server's (zero unless set), read at most every
    ``OFFSET_TTL_SECONDS`` from its one row."""
    global _offset
    if _offset is None or time.monotonic() > _offset[1]:
        _offset = (_stored_offset(), time.monotonic() + OFFSET_TTL_SECONDS)
    return _offset[0]


def is_set() -> bool:
    """Whether this instance lives in a time of its own (then the header shows its clock)."""
    return offset() != datetime.timedelta(0)


def set_now(when: datetime.datetime | None) -> None:
    """Set the instance's clock to ``when`` from this moment on; ``None`` gives it back to the
    server's time. Stored, so that every process of the instance follows."""
    from .models import InstanceClock

    if when is not None and timezone.is_naive(when):
        raise ValueError("The clock is set to an aware time (with its zone).")
    set_at = real_now()
    # held first, so that the change log records the setting at the instance's new time
    hold(datetime.timedelta(0) if when is None else when - set_at)
    if when is None:
        InstanceClock.objects.all().delete()
    else:
        InstanceClock.objects.update_or_create(pk=1, defaults={"now_at": when, "set_at": set_at})
    forget()


def parse(text: str) -> datetime.datetime:
    """An ISO date or date-time as an aware instant; without a zone it is read in the platform's
    (Asia/Shanghai), as a person at the command centre means it. ValueError if it is neither."""
    when = datetime.datetime.fromisoformat(text.strip())
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def forget() -> None:
    """Drop this process's copy of the offset: the next ``now()`` reads the row again."""
    global _offset
    _offset = None


def hold(delta: datetime.timedelta) -> None:
    """Use ``delta`` as the offset without reading the row until ``forget``: what a test starts
    from, so that no test pays (or counts) the read that another test's setting made stale."""
    global _offset
    _offset = (delta, float("inf"))


def _stored_offset() -> datetime.timedelta:
    from django.db import DatabaseError, transaction

    from .models import InstanceClock

    try:  # a savepoint: a failed read must not break the caller's transaction
        with transaction.atomic():
            row = InstanceClock.objects.filter(pk=1).first()
    except DatabaseError:  # before the migration that makes its table, no clock is set
        return datetime.timedelta(0)
    return datetime.timedelta(0) if row is None else row.now_at - row.set_at


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
