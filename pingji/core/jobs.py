"""Background jobs: one mechanism for imports, searches, exports, reports and simulations.

A job is a row (``core.Job``) — the single truth of its status and progress — and a registered
function. How the row reaches a runner depends on ``settings.JOBS_BACKEND``
(docs/decisions/0003-background-jobs.md):

- ``thread`` (embedded default): a daemon thread inside the app process polls the table and is
  woken at once by ``enqueue``; no server to install.
- ``db``: ``pingji worker`` processes, on any machine that reaches the database, poll the table.
- ``redis``: ``enqueue`` also pushes the id through a Redis list, so workers on other machines
  wake without polling; the row is still claimed in the database, so a duplicate push is harmless.
- ``sync``: run at commit in the caller's process (CLI scripts and tests).
"""

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from .choices import JobStatus
from .context import acting_as
from .models import Job

log = logging.getLogger(__name__)
REGISTRY: dict[str, Callable[..., Any]] = {}
REDIS_QUEUE = "pingji:jobs"
_wake = threading.Event()


def job(kind: str):
    """Register ``fn(progress, **params)`` as the job ``kind``; its return value is the result."""

    def register(fn):
        REGISTRY[kind] = fn
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
    """Create the job row and hand it to the backend once the caller's transaction commits."""
    if kind not in REGISTRY:
        raise ValueError(f"unknown job kind {kind!r}; known: {', '.join(sorted(REGISTRY))}")
    row = Job.objects.create(
        kind=kind,
        params=params or {},
        created_by=actor if getattr(actor, "pk", None) else None,
        jurisdiction_code=jurisdiction_code or getattr(actor, "jurisdiction_id", "") or "",
    )
    transaction.on_commit(lambda: _dispatch(row.pk))
    return row


def _dispatch(job_id: int) -> None:
    backend = settings.JOBS_BACKEND
    if backend == "sync":
        run_job(job_id)
    elif backend == "redis":
        _redis().lpush(REDIS_QUEUE, job_id)
    else:  # thread and db: the row itself is the queue
        _wake.set()


def this_worker() -> str:
    """``host:pid`` of this process, written on the jobs it claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(job_id: int) -> bool:
    """Move a queued job to running; exactly one runner wins, whatever the backend."""
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), worker=this_worker()
        )
    )


def fail_orphans() -> int:
    """Mark as failed the running jobs of this host whose process is gone.

    A worker that crashed or was killed leaves its job ``running`` for ever; every runner calls
    this when it starts. The job is failed, not re-queued: it may have done part of its work, and
    only a person can tell whether running it again is safe.
    """
    host = socket.gethostname()
    lost = [
        row
        for row in Job.objects.filter(status=JobStatus.RUNNING, worker__startswith=f"{host}:")
        if not _alive(int(row.worker.rsplit(":", 1)[1]))
    ]
    for row in lost:
        row.status, row.finished_at = JobStatus.FAILED, timezone.now()
        row.error = f"the worker {row.worker} stopped before the job finished"
        row.save(update_fields=["status", "finished_at", "error"])
    return len(lost)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def run_job(job_id: int) -> Job | None:
    """Claim and run one job; failures are recorded on the row, never raised to the runner."""
    if not _claim(job_id):
        return None
    row = Job.objects.select_related("created_by").get(pk=job_id)
    fn = REGISTRY.get(row.kind)
    try:
        if fn is None:
            raise LookupError(f"no job function registered for {row.kind!r} in this process")
        with acting_as(row.created_by):
            result = fn(Progress(row), **row.params)
        row.status, row.result = JobStatus.SUCCEEDED, result
    except Exception:  # noqa: BLE001 — the row is where the failure is reported
        log.exception("job %s failed", job_id)
        row.status, row.error = JobStatus.FAILED, traceback.format_exc()[-4000:]
    row.finished_at = timezone.now()
    row.save(
        update_fields=["status", "result", "error", "finished_at", "progress", "total", "message"]
    )
    return row


def next_queued() -> int | None:
    return (
        Job.objects.filter(status=JobStatus.QUEUED)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def work(*, once: bool = False, poll: float = 1.0, stop: threading.Event | None = None) -> int:
    """The worker loop: run queued jobs until stopped (or until none is left, with ``once``)."""
    stop = stop or threading.Event()
    orphans_checked, done = False, 0
    redis = _redis() if settings.JOBS_BACKEND == "redis" else None
    while not stop.is_set():
        if not connection.in_atomic_block:  # a long-lived runner drops stale connections
            close_old_connections()
        try:
            if not orphans_checked:
                fail_orphans()
                _sweep_uploads()
                orphans_checked = True
            job_id = next_queued()
            if job_id is not None:
                done += run_job(job_id) is not None
                continue
        except OperationalError:
            # The database locked (SQLite while another thread writes) or restarting: the runner
            # must outlive it, so it waits a poll and reads the queue again.
            log.warning("the job runner could not reach the database; retrying", exc_info=True)
            stop.wait(poll)
            continue
        if once:
            break
        if redis is not None:
            redis.brpop(REDIS_QUEUE, timeout=max(1, int(poll)))  # wake on push; the table decides
        else:
            _wake.wait(poll)
            _wake.clear()
    return done


def _sweep_uploads() -> None:
    """Uploads kept past their retention are deleted when a runner starts (core.uploads)."""
    from .uploads import sweep

    try:
        removed = sweep()
    except OSError:
        log.warning("could not sweep expired uploads", exc_info=True)
        return
    if removed:
        log.info("removed %d expired uploads", removed)


_runner: threading.Thread | None = None


def start_embedded_runner() -> threading.Thread:
    """Start the in-process runner thread of the embedded default (idempotent)."""
    global _runner
    if _runner is None or not _runner.is_alive():
        _runner = threading.Thread(target=work, name="pingji-jobs", daemon=True)
        _runner.start()
    return _runner


def _redis():
    import redis

    return redis.Redis.from_url(settings.BROKER_URL)
