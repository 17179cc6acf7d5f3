"""Background jobs: one row per job, claimed once per lease, delivered again when lost, progress
visible, failures recorded (docs/decisions/0037)."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from pingji.core import job_runner, jobs
from pingji.core.models import Job


@jobs.job("test.count")
def count_to(progress, *, n: int) -> dict:
    n = int(n)
    for i in range(1, n + 1):
        progress(i, n, f"step {i}")
    return {"counted": n}


FAILED: list[tuple[dict, str]] = []


@jobs.job("test.boom", on_failure=lambda params, error: FAILED.append((params, error)))
def boom(progress, **params) -> None:
    raise RuntimeError("the disk is full")


@jobs.job("test.flaky")
def flaky(progress) -> None:
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def backend(settings):
    FAILED.clear()

    def use(name):
        settings.JOBS_BACKEND = name

    return use


def test_a_job_runs_at_commit_and_reports_its_result(
    db, backend, django_capture_on_commit_callbacks
):
    backend("sync")
    with django_capture_on_commit_callbacks(execute=True):
        row = jobs.enqueue("test.count", {"n": 3})
    row.refresh_from_db()
    assert row.status == "succeeded" and row.result == {"counted": 3}
    assert (row.progress, row.total, row.percent) == (3, 3, 100)


def test_a_failure_is_recorded_not_raised_and_its_hook_runs_once(db, backend):
    backend("thread")
    row = jobs.enqueue("test.boom", {"upload": 7})
    assert jobs.run_queued() == 1
    row.refresh_from_db()
    assert row.status == "failed" and "the disk is full" in row.error
    assert FAILED == [({"upload": 7}, row.error)]


def test_a_transient_failure_goes_back_to_the_queue_until_its_attempts_are_spent(db, backend):
    # Given a job whose database is gone for a moment on every attempt
    backend("thread")
    row = jobs.enqueue("test.flaky")
    for attempt in range(1, jobs.MAX_ATTEMPTS):
        # When a runner delivers it, then it is queued again for the broker's retry
        with pytest.raises(OperationalError):
            jobs.run_job(row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts, row.lease_until) == ("queued", attempt, None)
    # and the last attempt fails it for good, saying why
    assert jobs.run_job(row.pk).status == "failed"
    row.refresh_from_db()
    assert row.attempts == jobs.MAX_ATTEMPTS and "server closed the connection" in row.error


def test_a_job_is_claimed_exactly_once(db, backend):
    backend("thread")
    row = jobs.enqueue("test.count", {"n": 1})
    assert jobs.run_job(row.pk) is not None
    assert jobs.run_job(row.pk) is None


def test_a_claim_whose_lease_ran_out_is_taken_over_by_the_next_delivery(db, backend):
    # Given a job claimed by a runner that stopped renewing its lease (killed, on another host)
    backend("thread")
    row = jobs.enqueue("test.count", {"n": 1})
    Job.objects.filter(pk=row.pk).update(
        status="running", worker="elsewhere:1", attempts=1, lease_until=timezone.now()
    )
    # When the broker delivers it again, then the new runner claims it and finishes it
    assert jobs.run_job(row.pk).status == "succeeded"
    row.refresh_from_db()
    assert row.attempts == 2 and row.worker == jobs.this_worker()


def test_a_live_lease_is_not_taken_over(db, backend):
    backend("thread")
    row = jobs.enqueue("test.count", {"n": 1})
    Job.objects.filter(pk=row.pk).update(
        status="running", worker="elsewhere:1", lease_until=timezone.now() + jobs.lease()
    )
    assert jobs.run_job(row.pk) is None


def test_unknown_kinds_are_refused(db):
    with pytest.raises(ValueError, match="unknown job kind"):
        jobs.enqueue("no.such.job")
    assert not Job.objects.exists()


def test_the_embedded_runner_runs_queued_jobs_through_the_in_process_broker(
    transactional_db, backend
):
    backend("thread")
    stop = threading.Event()
    runner = threading.Thread(target=job_runner.serve, kwargs={"stop": stop, "threads": 1})
    runner.start()
    try:
        row = jobs.enqueue("test.count", {"n": 2})
        row = _wait_for(row, "succeeded")
    finally:
        stop.set()
        runner.join(15)
    assert row.status == "succeeded" and row.sent_at is not None


def test_a_job_the_broker_would_not_take_is_created_and_sent_by_the_next_sweep(
    db, backend, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a broker that is down when the request enqueues
    backend("thread")

    def down(job_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(job_runner, "send", down)
    with django_capture_on_commit_callbacks(execute=True):
        row = jobs.enqueue("test.count", {"n": 1})  # then the request still gets its job
    row.refresh_from_db()
    assert (row.status, row.sent_at) == ("queued", None)
    # When the broker is back, then the sweep sends it, once
    sent = []
    monkeypatch.setattr(job_runner, "send", lambda job_id: sent.append(job_id) or True)
    assert job_runner.sweep() == 1 and sent == [row.pk]
    assert job_runner.sweep() == 0


def test_a_job_queued_where_no_runner_serves_the_in_process_broker_waits_for_the_sweep(
    db, backend, django_capture_on_commit_callbacks
):
    # Given the embedded backend, and a process (the CLI beside a server) that runs no runner
    backend("thread")
    with django_capture_on_commit_callbacks(execute=True):
        row = jobs.enqueue("test.count", {"n": 1})
    # Then the job is not handed to a broker that would die with this process
    row.refresh_from_db()
    assert (row.status, row.sent_at) == ("queued", None)


def test_the_sweep_requeues_a_job_whose_runner_process_is_gone(db, backend, monkeypatch):
    # Given a job running in a process of this host that no longer exists
    backend("thread")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = jobs.this_worker().rsplit(":", 1)[0]
    orphan = jobs.enqueue("test.count", {"n": 1})
    alive = jobs.enqueue("test.count", {"n": 1})
    later = timezone.now() + jobs.lease()
    Job.objects.filter(pk=orphan.pk).update(
        status="running", worker=f"{host}:{dead.pid}", lease_until=later, sent_at=timezone.now()
    )
    Job.objects.filter(pk=alive.pk).update(
        status="running", worker=jobs.this_worker(), lease_until=later, sent_at=timezone.now()
    )
    sent = []
    monkeypatch.setattr(job_runner, "send", lambda job_id: sent.append(job_id) or True)
    # When a sweep runs, then the orphan goes back to the queue and is sent again
    assert job_runner.sweep() == 1 and sent == [orphan.pk]
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.status == "queued" and alive.status == "running"  # this process is alive


def _wait_for(row, status, seconds=45.0):
    """Poll the row until it has ``status``. SQLite's shared in-memory test database answers a
    read that meets another connection's write with "table is locked" at once instead of
    waiting, so such a read is tried again (the worker retries its own writes the same way)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            row.refresh_from_db()
        except OperationalError:
            pass
        else:
            if row.status == status:
                break
        time.sleep(0.2)
    return row


@pytest.mark.skipif(
    not os.environ.get("PINGJI_TEST_REDIS"), reason="needs PINGJI_TEST_REDIS=redis://…"
)
def test_the_redis_backend_delivers_to_a_worker(transactional_db, backend, settings):
    settings.BROKER_URL = os.environ["PINGJI_TEST_REDIS"]
    backend("redis")
    job_runner.broker().flush_all()
    assert jobs.broker_status() == (True, "redis")
    # queued (and its row marked sent) before the worker starts: SQLite's shared in-memory test
    # database locks a table for a writer on another connection instead of waiting for it
    job = jobs.enqueue("test.count", {"n": 1})
    stop = threading.Event()
    runner = threading.Thread(target=job_runner.serve, kwargs={"stop": stop, "threads": 1})
    runner.start()
    try:
        row = _wait_for(job, "succeeded")
    finally:
        stop.set()
        runner.join(15)
    assert row.status == "succeeded" and row.attempts >= 1  # at least once: a lock may retry


def test_an_unreachable_broker_is_reported_not_ready(settings, backend):
    settings.BROKER_URL = "redis://127.0.0.1:1/0"
    backend("redis")
    ok, detail = jobs.broker_status()
    assert not ok and detail.startswith("redis: ")


def test_cli_queues_lists_and_follows_a_job(db, backend, capsys):
    backend("thread")
    call_command("jobs", "--queue", "test.count", "--param", "n=2")
    row = Job.objects.get(kind="test.count")
    assert row.params == {"n": "2"}  # CLI parameters arrive as text
    jobs.run_queued()
    call_command("jobs")
    call_command("jobs", "--follow", str(row.pk))
    out = capsys.readouterr().out
    assert f"queued job {row.pk}" in out and "test.count" in out and "100%" in out
