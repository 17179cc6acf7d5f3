"""Delivery of jobs through Dramatiq: the broker, the one actor, and the runners that serve it.

Dramatiq (docs/decisions/0037) carries only a job's id; ``core.jobs`` claims and runs the row. Its
Redis broker acknowledges a message only after the actor returns, after the job's own transaction,
and moves the messages of a worker that stopped heart-beating back to the queue; its Retries
middleware re-delivers a transient failure with exponential back-off; its consumers reconnect
after a broker outage instead of dying. The embedded default uses Dramatiq's in-process broker,
so a demo needs no server; what that broker held when the process stopped is rebuilt from the
rows (``jobs.recover(resend_all=True)``) when the next one starts.

Every runner also sweeps (``jobs.recover``) four times per lease: that is what re-sends a job
whose message never reached a broker that was down, and what frees the lease of a killed runner.
"""

import logging
import signal
import threading

import dramatiq
from django.conf import settings
from django.db import close_old_connections, connection
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware

from . import jobs

log = logging.getLogger(__name__)
QUEUE = "pingji-jobs"
#: Milliseconds between retries of a transient failure: doubling from the first to the last.
MIN_BACKOFF, MAX_BACKOFF = 1_000, 60_000
#: A job may run this long (a province's import): Dramatiq's own default is ten minutes.
TIME_LIMIT_MS = 6 * 3600 * 1000


class _DjangoConnections(Middleware):
    """Each delivery starts and ends with connections Django would keep: a long-lived worker
    thread must not hold one the database has closed (a restart) or one past its age."""

    def before_process_message(self, broker, message):
        close_old_connections()

    def after_process_message(self, broker, message, *, result=None, exception=None):
        close_old_connections()


_brokers: dict[tuple[str, str], dramatiq.Broker] = {}
#: Brokers a worker of this process consumes.
_served: set[dramatiq.Broker] = set()
_brokers_lock = threading.Lock()


def broker() -> dramatiq.Broker:
    """This process's broker for the configured backend; the lock keeps a runner thread and a
    request that start together from building two (tests switch the setting, hence the key)."""
    key = (settings.JOBS_BACKEND, settings.BROKER_URL)
    with _brokers_lock:
        if key not in _brokers:
            _brokers[key] = _new_broker(*key)
        return _brokers[key]


def _new_broker(backend: str, url: str) -> dramatiq.Broker:
    if backend == "redis":
        broker: dramatiq.Broker = RedisBroker(url=url, namespace="pingji", heartbeat_timeout=30_000)
    else:
        broker = StubBroker()
    broker.add_middleware(_DjangoConnections())
    _declare_actor(broker)
    return broker


def _deliver(job_id: int) -> None:
    """The actor: run the job with that id; a transient failure raised here is retried."""
    jobs.run_job(job_id)


def _declare_actor(broker: dramatiq.Broker) -> None:
    dramatiq.Actor(
        _deliver,
        broker=broker,
        actor_name="pingji_job",
        queue_name=QUEUE,
        priority=0,
        options={
            "max_retries": jobs.MAX_ATTEMPTS - 1,
            "min_backoff": MIN_BACKOFF,
            "max_backoff": MAX_BACKOFF,
            "time_limit": TIME_LIMIT_MS,
        },
    )


def send(job_id: int) -> bool:
    """Put a job's id on the queue; raises when the broker cannot take it.

    False when the broker lives in this process and nothing here serves it (``pingji jobs
    --queue`` beside an embedded server): the message would die with the process, so it is not
    sent and the serving process's sweep picks the row up instead.
    """
    found = broker()
    if isinstance(found, StubBroker) and found not in _served:
        return False
    found.get_actor("pingji_job").send(job_id)
    return True


def ping() -> None:
    """Raise unless the broker answers."""
    found = broker()
    if isinstance(found, RedisBroker):
        found.client.ping()


def serve(*, threads: int = 2, stop: threading.Event | None = None) -> None:
    """Run a Dramatiq worker and the sweep until ``stop`` is set (or SIGTERM/SIGINT arrives)."""
    stop = stop or _stop_on_signals()
    served = broker()
    worker = dramatiq.Worker(served, worker_threads=threads, worker_timeout=1000)
    worker.start()
    _served.add(served)
    try:
        _sweep_until(stop, resend_all=isinstance(served, StubBroker))
    finally:
        _served.discard(served)
        worker.stop(timeout=10_000)
        close_old_connections()


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _sweep_until(stop: threading.Event, *, resend_all: bool) -> None:
    """Sweep now and four times per lease; a failing sweep is logged, not fatal."""
    starting = True
    while not stop.is_set():
        try:
            sweep(starting=starting, resend_all=resend_all and starting)
            starting = False
        except Exception:  # noqa: BLE001 — the database or broker is down: try again later
            log.warning("the job sweep failed; it runs again shortly", exc_info=True)
        stop.wait(jobs.lease().total_seconds() / 4)


def sweep(*, starting: bool = False, resend_all: bool = False) -> int:
    """Send again what was lost (``jobs.recover``); when a runner starts, also delete the
    uploads kept past their retention. The number of jobs sent."""
    if not connection.in_atomic_block:  # a long-lived runner drops stale connections
        close_old_connections()
    sent = jobs.recover(resend_all=resend_all)
    if starting:
        _sweep_uploads()
    return sent


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


_embedded: threading.Thread | None = None


def start_embedded_runner() -> threading.Thread:
    """Start the in-process runner of the embedded default (idempotent)."""
    global _embedded
    if _embedded is None or not _embedded.is_alive():
        _embedded = threading.Thread(
            target=serve,
            kwargs={"threads": 1, "stop": threading.Event()},
            name="pingji-jobs",
            daemon=True,
        )
        _embedded.start()
    return _embedded
