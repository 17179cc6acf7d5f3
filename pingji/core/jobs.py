"""Background jobs: one mechanism for imports, searches, exports, reports and simulations.

A job is a row (``core.Job``), the single truth of its status and progress, and a registered
function. Dramatiq delivers the row's id to a runner (``core.job_runner``); the runner claims the
row, renews a lease while the function runs and records the outcome (docs/decisions/0037).

Delivery is at least once (docs/decisions/0032): a job whose runner was killed is delivered again
when its lease runs out, and a job whose message never reached the broker is sent again by the
next sweep. So every job function must be idempotent: running it twice leaves what running it once
leaves. A transient failure (the database or broker gone for a moment) is retried with back-off;
a failure of the job's own input fails the row once, with its reason, and calls the kind's
``on_failure`` so the domain row it serves (an upload, an import) shows a state the user can act on.

``settings.JOBS_BACKEND``: ``thread`` (embedded default, an in-process runner), ``redis``
(``pingji worker`` processes through Redis) or ``sync`` (run at commit, for tests and scripts).
"""

import datetime
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q

from . import clock
from .choices import JobStatus
from .context import acting_as
from .logs import log_context
from .models import Job

log = logging.getLogger(__name__)

#: Deliveries of one job before a transient failure is taken as final.
MAX_ATTEMPTS = 5
#: A queued job whose message is older than this is sent again (the broker may have lost it).
RESEND_AFTER = datetime.timedelta(minutes=10)


def lease() -> datetime.timedelta:
    """How long a claim holds without renewal (``JOBS_LEASE_SECONDS``); the runner renews it
    every third of that, and a killed runner's job waits at most that long to be taken over."""
    return datetime.timedelta(seconds=settings.JOBS_LEASE_SECONDS)


class Transient(Exception):
    """Raised by a job function for a failure worth retrying (a service down for a moment)."""


TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, Transient)


@dataclass(frozen=True)
class Kind:
    fn: Callable[..., Any]
    on_failure: Callable[[dict, str], None] | None = None


REGISTRY: dict[str, Kind] = {}


def job(kind: str, *, on_failure: Callable[[dict, str], None] | None = None):
    """Register ``fn(progress, **params)`` as the job ``kind``; its return value is the result.

    ``on_failure(params, error)`` runs once when the job has failed for good, so the domain row
    it serves can say so ("interrupted — run again") instead of waiting for ever.
    """

    def register(fn):
        REGISTRY[kind] = Kind(fn, on_failure)
        return fn

    return register


class Progress:
    """Handed to a running job; writes progress to its row at most every half second."""

    def __init__(self, row: Job):
        self.row = row
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        self.row.progress = done
        if total is not None:
            self.row.total = total
        if message:
            self.row.message = message[:300]
        now = time.monotonic()
        if now - self._last >= 0.5 or (total is not None and done >= total):
            self._last = now
            Job.objects.filter(pk=self.row.pk).update(
                progress=self.row.progress, total=self.row.total, message=self.row.message
            )


def enqueue(
    kind: str, params: dict | None = None, *, actor=None, jurisdiction_code: str = ""
) -> Job:
    """Create the job row and send it to the broker once the caller's transaction commits.

    The send never raises into the caller: with the broker down the row stays queued and the
    next sweep sends it, so the request answers with the job it created (docs/decisions/0032).
    """
    if kind not in REGISTRY:
        raise ValueError(f"unknown job kind {kind!r}; known: {', '.join(sorted(REGISTRY))}")
    row = Job.objects.create(
        kind=kind,
        params=params or {},
        created_by=actor if getattr(actor, "pk", None) else None,
        jurisdiction_code=jurisdiction_code or getattr(actor, "jurisdiction_id", "") or "",
    )
    transaction.on_commit(lambda: dispatch(row.pk))
    return row


def run_again(row: Job, actor) -> Job:
    """Queue a failed job anew with the same input, as ``actor`` (its creator, from its page).

    Safe because every kind is idempotent: what the failed run did is not done twice.
    """
    if row.status != JobStatus.FAILED:
        raise ValueError(f"job {row.pk} is {row.status}; only a failed job is run again")
    return enqueue(row.kind, row.params, actor=actor, jurisdiction_code=row.jurisdiction_code)


def dispatch(job_id: int) -> bool:
    """Hand a queued job to the backend; False when the broker could not take it now."""
    if settings.JOBS_BACKEND == "sync":
        run_job(job_id, retry=False)
        return True
    from .job_runner import send

    # Marked before it is sent: once the broker has it, a worker may be writing the row already,
    # and on SQLite a second writer at that moment is refused, not queued.
    Job.objects.filter(pk=job_id).update(sent_at=clock.real_now())
    try:
        if send(job_id):
            return True
        # no runner in this process: the serving process's sweep sends it
    except Exception as exc:  # noqa: BLE001 — any broker failure: the row waits for the sweep
        log.warning("the broker did not take job %s (%s); it stays queued", job_id, exc)
    Job.objects.filter(pk=job_id).update(sent_at=None)  # not sent: the next sweep sends it
    return False


def this_worker() -> str:
    """``host:pid`` of this process, written on the jobs it claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job_id: int) -> bool:
    """Take a queued job, or one whose runner's lease ran out; exactly one runner wins."""
    now = clock.real_now()
    takeable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, lease_until__lt=now)
    return bool(
        Job.objects.filter(takeable, pk=job_id).update(
            status=JobStatus.RUNNING,
            started_at=now,
            worker=this_worker(),
            lease_until=now + lease(),
            attempts=F("attempts") + 1,
        )
    )


def run_job(job_id: int, *, retry: bool = True) -> Job | None:
    """Claim and run one job, recording its outcome on the row.

    A transient failure with attempts left puts the row back in the queue and re-raises, so the
    broker delivers it again after a back-off (``retry=False``, the sync backend: it fails now).
    Any other failure is recorded on the row, never raised to the runner.
    """
    if not claim(job_id):
        return None  # done, or another runner holds it: a duplicate delivery
    with log_context(job=job_id):  # every record of the run, its failure's too, names the job
        return _run(Job.objects.select_related("created_by").get(pk=job_id), retry)


def _run(row: Job, retry: bool) -> Job:
    kind = REGISTRY.get(row.kind)
    try:
        if kind is None:
            raise LookupError(f"no job function registered for {row.kind!r} in this process")
        with _leased(row.pk), acting_as(row.created_by):
            result = kind.fn(Progress(row), **row.params)
        row.status, row.result = JobStatus.SUCCEEDED, result
    except TRANSIENT:
        if retry and row.attempts < MAX_ATTEMPTS:
            log.warning("job %s met a transient failure; it will be retried", row.pk)
            _requeue(row.pk)
            raise
        _fail(row, kind)
    except Exception:  # noqa: BLE001 — the row is where the failure is reported
        _fail(row, kind)
    row.finished_at = clock.real_now()
    row.save(
        update_fields=["status", "result", "error", "finished_at", "progress", "total", "message"]
        + ["lease_until"]
    )
    return row


def _fail(row: Job, kind: Kind | None) -> None:
    log.exception("job %s failed", row.pk)
    row.status, row.error, row.lease_until = JobStatus.FAILED, traceback.format_exc()[-4000:], None
    if kind is not None and kind.on_failure is not None:
        try:
            kind.on_failure(row.params, row.error)
        except Exception:  # noqa: BLE001 — the job's own failure is what the row must say
            log.exception("the failure hook of job %s failed", row.pk)


def _requeue(job_id: int) -> None:
    try:
        Job.objects.filter(pk=job_id, worker=this_worker()).update(
            status=JobStatus.QUEUED, lease_until=None
        )
    except TRANSIENT:  # the database is the thing that is down: the lease will run out instead
        pass


class _leased:
    """Renew the job's lease every third of its length while the job's function runs."""

    def __init__(self, job_id: int):
        self.job_id, self.done = job_id, threading.Event()

    def __enter__(self):
        threading.Thread(target=self._renew, name=f"lease-{self.job_id}", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()

    def _renew(self) -> None:
        from django.db import connection

        try:
            while not self.done.wait(lease().total_seconds() / 3):
                Job.objects.filter(pk=self.job_id, worker=this_worker()).update(
                    lease_until=clock.real_now() + lease()
                )
        except TRANSIENT:
            log.warning("could not renew the lease of job %s", self.job_id, exc_info=True)
        finally:
            connection.close()


def recover(*, resend_all: bool = False) -> int:
    """Send again the jobs a broker or a runner lost; the number sent.

    - running on this host in a process that is gone: its lease is ended now, not in a minute;
    - running with a lease that ran out (its runner died, on any host): back to the queue;
    - queued and never sent (the broker was down), or sent longer ago than ``RESEND_AFTER``;
    - ``resend_all``: every queued job, for a broker that lives in this process and so starts
      empty (the embedded runner).
    A job sent twice is harmless: only one delivery can claim it.
    """
    now = clock.real_now()
    _end_leases_of_dead_processes(now)
    Job.objects.filter(status=JobStatus.RUNNING, lease_until__lte=now).update(
        status=JobStatus.QUEUED, lease_until=None, sent_at=None
    )
    queued = Job.objects.filter(status=JobStatus.QUEUED)
    if not resend_all:
        queued = queued.filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_AFTER))
    ids = list(queued.order_by("id").values_list("id", flat=True))
    return sum(dispatch(job_id) for job_id in ids)


def _end_leases_of_dead_processes(now: datetime.datetime) -> None:
    host = socket.gethostname()
    running = Job.objects.filter(status=JobStatus.RUNNING, worker__startswith=f"{host}:")
    dead = [pk for pk, worker in running.values_list("pk", "worker") if not _alive(worker)]
    if dead:
        Job.objects.filter(pk__in=dead).update(lease_until=now)


def _alive(worker: str) -> bool:
    try:
        os.kill(int(worker.rsplit(":", 1)[1]), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def run_queued() -> int:
    """Run every queued job in this thread, oldest first; the number run (CLI and tests)."""
    _end_leases_of_dead_processes(clock.real_now())
    done = 0
    while job_id := (
        Job.objects.filter(status=JobStatus.QUEUED).order_by("id").values_list("id", flat=True)
    ).first():
        done += run_job(job_id, retry=False) is not None
    return done


def broker_status() -> tuple[bool, str]:
    """Whether the configured broker answers (for /readyz); the embedded ones always do."""
    if settings.JOBS_BACKEND != "redis":
        return True, f"{settings.JOBS_BACKEND} (in process)"
    from .job_runner import ping

    try:
        ping()
    except Exception as exc:  # noqa: BLE001 — any failure means not ready
        return False, f"redis: {type(exc).__name__}"
    return True, "redis"
