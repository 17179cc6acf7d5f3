"""Faults against real processes: a worker killed with SIGKILL in the middle of a job, and the
broker stopped while requests enqueue and workers wait (docs/decisions/0032, 0037).

Nothing here is mocked: a Redis server of the test's own on a free port, ``pingji worker``
processes, and a database file of their own that the test reads as an operator would. The
whole fault suite (every job kind, PostgreSQL restarts, loads) is ``bench/faults.py``.
"""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")

ROOT = Path(__file__).resolve().parents[2]
#: A Django command in a fresh process that also knows the fault tests' job kind.
COMMAND = (
    "import sys, django; django.setup(); import tests.faults.slow_jobs; "
    "from django.core.management import call_command; call_command(*sys.argv[1:])"
)


class Redis:
    """A Redis server of the test's own, which the test may stop and start again."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        _until(lambda: _answers(self.port), "redis to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A data directory, a migrated database in it, a broker, and the environment to use them."""
    data = tmp_path_factory.mktemp("faults")
    redis = Redis(_free_port())
    redis.start()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="pingji.settings",
        PINGJI_DATA_DIR=str(data),
        PINGJI_JOBS_BACKEND="redis",
        PINGJI_BROKER_URL=f"redis://127.0.0.1:{redis.port}/0",
        PINGJI_JOB_LEASE_SECONDS="4",
        PYTHONPATH=str(ROOT),
    )
    _django(env, "migrate", "-v", "0")
    yield {"env": env, "db": data / "pingji.sqlite3", "redis": redis, "data": data}
    redis.stop()


@pytest.fixture
def workers(world):
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", COMMAND, "worker", "--threads", "1"],
            cwd=ROOT,
            env=world["env"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_a_job_whose_worker_is_killed_is_delivered_again_and_done_once(world, workers, tmp_path):
    # Given a worker in the middle of a job
    first = workers()
    job = _enqueue(world, seconds=4, out=tmp_path)
    _until(lambda: _row(world, job)["progress"] >= 5, "the job to be under way")
    # When the worker is killed without a chance to say so, and another worker runs
    first.send_signal(signal.SIGKILL)
    first.wait()
    workers()
    # Then the job is delivered again and finishes, once
    _until(lambda: _row(world, job)["status"] == "succeeded", "the job to finish", 60)
    row = _row(world, job)
    starts = (tmp_path / "starts.log").read_text().split()
    assert row["attempts"] == 2 and len(starts) == 2 and starts[0] == str(first.pid)
    assert (tmp_path / "result.txt").read_text() == "done\n"


def test_a_broker_outage_loses_no_job_and_kills_no_worker(world, workers, tmp_path):
    worker = workers()
    # Given the broker is down
    world["redis"].stop()
    # When a job is enqueued, then the enqueueing process still answers with its job
    job = _enqueue(world, seconds=0.5, out=tmp_path)
    assert _row(world, job)["status"] == "queued"
    time.sleep(3)
    assert worker.poll() is None, "the worker died with the broker"
    # And when the broker is back, the job runs, and so does one enqueued after
    world["redis"].start()
    _until(lambda: _row(world, job)["status"] == "succeeded", "the waiting job to run", 60)
    after = _enqueue(world, seconds=0.1, out=tmp_path)
    _until(lambda: _row(world, after)["status"] == "succeeded", "a new job to run", 60)
    assert _row(world, job)["attempts"] == 1


def _enqueue(world, *, seconds: float, out: Path) -> int:
    done = _django(
        world["env"], "jobs", "--queue", "faults.slow", "--param", f"seconds={seconds}",
        "--param", f"out={out}",
    )  # fmt: skip
    return int(done.stdout.split("queued job ", 1)[1].split()[0])


def _django(env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _row(world, job_id: int) -> dict:
    with sqlite3.connect(world["db"], timeout=10) as con:
        con.row_factory = sqlite3.Row
        found = con.execute(
            "SELECT status, attempts, progress, error FROM core_job WHERE id = ?", (job_id,)
        ).fetchone()
    return dict(found)


def _until(ready, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False
