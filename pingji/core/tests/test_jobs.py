"""Background jobs: one row per job, claimed once, progress visible, failures recorded."""

import os
import subprocess
import sys
import threading

import pytest
from django.core.management import call_command
from django.db import OperationalError

from pingji.core import jobs
from pingji.core.models import Job


@jobs.job("test.count")
def count_to(progress, *, n: int) -> dict:
    n = int(n)
    for i in range(1, n + 1):
        progress(i, n, f"step {i}")
    return {"counted": n}


@jobs.job("test.boom")
def boom(progress) -> None:
    raise RuntimeError("the disk is full")


@pytest.fixture
def backend(settings):
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


def test_a_failure_is_recorded_not_raised(db, backend):
    backend("db")
    row = jobs.enqueue("test.boom")
    assert jobs.work(once=True) == 1
    row.refresh_from_db()
    assert row.status == "failed" and "the disk is full" in row.error


def test_the_runner_outlives_a_database_that_is_locked_for_a_moment(db, backend, monkeypatch):
    # Given a queued job and a database that refuses the runner's first two reads
    backend("db")
    row = jobs.enqueue("test.count", {"n": 1})
    real, refusals = jobs.next_queued, iter([OperationalError("database table is locked")] * 2)

    def locked_at_first():
        for refusal in refusals:
            raise refusal
        return real()

    monkeypatch.setattr(jobs, "next_queued", locked_at_first)
    # When the runner works, then it waits, reads again and runs the job
    assert jobs.work(once=True, poll=0.01) == 1
    row.refresh_from_db()
    assert row.status == "succeeded"


def test_a_job_is_claimed_exactly_once(db, backend):
    backend("db")
    row = jobs.enqueue("test.count", {"n": 1})
    assert jobs.run_job(row.pk) is not None
    assert jobs.run_job(row.pk) is None


def test_unknown_kinds_are_refused(db):
    with pytest.raises(ValueError, match="unknown job kind"):
        jobs.enqueue("no.such.job")
    assert not Job.objects.exists()


def test_the_embedded_thread_runner_picks_up_queued_jobs(transactional_db, backend):
    backend("thread")
    stop = threading.Event()
    runner = threading.Thread(target=jobs.work, kwargs={"stop": stop, "poll": 0.05})
    runner.start()
    try:
        row = jobs.enqueue("test.count", {"n": 2})
        for _ in range(200):
            row.refresh_from_db()
            if row.status == "succeeded":
                break
            stop.wait(0.05)
    finally:
        stop.set()
        runner.join(5)
    assert row.status == "succeeded"


@pytest.mark.skipif(
    not os.environ.get("PINGJI_TEST_REDIS"), reason="needs PINGJI_TEST_REDIS=redis://…"
)
def test_the_redis_backend_wakes_a_worker(
    db, backend, settings, django_capture_on_commit_callbacks
):
    import redis

    settings.BROKER_URL = os.environ["PINGJI_TEST_REDIS"]
    redis.Redis.from_url(settings.BROKER_URL).delete(jobs.REDIS_QUEUE)
    backend("redis")
    with django_capture_on_commit_callbacks(execute=True):
        row = jobs.enqueue("test.count", {"n": 1})
    assert redis.Redis.from_url(settings.BROKER_URL).lrange(jobs.REDIS_QUEUE, 0, -1) == [
        b"%d" % row.pk
    ]
    assert jobs.work(once=True) == 1
    row.refresh_from_db()
    assert row.status == "succeeded"


def test_cli_queues_lists_and_follows_a_job(db, backend, capsys):
    backend("db")
    call_command("jobs", "--queue", "test.count", "--param", "n=2")
    row = Job.objects.get(kind="test.count")
    assert row.params == {"n": "2"}  # CLI parameters arrive as text
    jobs.work(once=True)
    call_command("jobs")
    call_command("jobs", "--follow", str(row.pk))
    out = capsys.readouterr().out
    assert f"queued job {row.pk}" in out and "test.count" in out and "100%" in out


def test_a_job_left_running_by_a_dead_worker_is_failed_when_a_runner_starts(db, backend):
    backend("db")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = jobs.this_worker().rsplit(":", 1)[0]
    orphan = jobs.enqueue("test.count", {"n": 1})
    Job.objects.filter(pk=orphan.pk).update(status="running", worker=f"{host}:{dead.pid}")
    alive = jobs.enqueue("test.count", {"n": 1})
    Job.objects.filter(pk=alive.pk).update(status="running", worker=jobs.this_worker())
    jobs.work(once=True)
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.status == "failed" and str(dead.pid) in orphan.error
    assert alive.status == "running"  # its process (this one) is still at work
