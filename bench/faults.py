"""The whole fault suite, in the production shape: PostgreSQL, a Redis broker, ``pingji worker``.

Set-up (not timed): a throw-away PostgreSQL database (``--database``), a Redis server of the
suite's own on a free port, the demo province loaded into them (``pingji demo --no-serve``), and
two ``pingji worker`` processes with a short lease (``PINGJI_JOB_LEASE_SECONDS``, 6 s).

Faults, each reported with what it left (docs/decisions/0032, 0037):
1. **kill -9 during each kind of job.** Every kind that needs no file is queued as the province's
   commander; as soon as a worker claims it, that worker is killed with SIGKILL and a new one is
   started. Reported: the job's final status and attempts, whether the kill came while it ran,
   and whether running it once more changed the database (a fingerprint of every table's row
   count, the job and log tables left out): idempotent kinds change nothing.
2. **The broker stopped for 30 s.** Exports are queued while Redis is down: each request must get
   its job back; the workers must still be running after 30 s; once Redis is back every job must
   finish. Reported: errors at enqueue, workers alive, seconds to drain after the restart.
3. **PostgreSQL restarted under load.** Reports and exports are queued, PostgreSQL is restarted
   while they run; every job must end succeeded (a transient failure is retried).
Imports re-run twice are in each import's tests (decision 0039), which CI runs.
Usage: ``python bench/faults.py [--database pj_faults] [--outage 30]``.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from _common import ROOT, emit, fresh_data_dir

sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
COMMANDER = "350000-commander"


class Redis:
    """A Redis server of the suite's own, stopped and started at will."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        _until(lambda: _answers(self.port), 10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Workers:
    """``pingji worker`` processes; killed ones are replaced on demand."""

    def __init__(self, env: dict):
        self.env, self.processes = env, []

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "pingji.cli", "worker", "--threads", "1"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def alive(self) -> int:
        return sum(p.poll() is None for p in self.processes)

    def kill(self, pid: int) -> bool:
        for process in self.processes:
            if process.pid == pid and process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return True
        return False

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def prepare(args) -> tuple[dict, Redis]:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    redis = Redis()
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{args.database}",
        "PINGJI_DATA_DIR": fresh_data_dir("faults"),
        "PINGJI_JOBS_BACKEND": "redis",
        "PINGJI_BROKER_URL": f"redis://127.0.0.1:{redis.port}/0",
        "PINGJI_JOB_LEASE_SECONDS": "6",
        "PINGJI_FIELD_KEY": os.environ.get("PINGJI_FIELD_KEY") or os.urandom(32).hex(),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "pingji.cli", "demo", "--no-serve"],
        cwd=ROOT,
        env={**env, "PINGJI_JOBS_BACKEND": "sync"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingji.settings"
    import django

    django.setup()
    return env, redis


def kinds() -> list[tuple[str, dict]]:
    """Every job kind that needs no uploaded file, with parameters from the demo's data."""
    from django.utils import timezone

    from pingji.tracing.models import Contact, Investigation

    day = timezone.localdate().isoformat()
    investigation = Investigation.objects.order_by("pk").values_list("pk", flat=True).first()
    contact = Contact.objects.order_by("pk").first()
    found = [
        ("core.export", {"model": "cases.case", "within": "35"}),
        ("reports.generate", {"code": "3503", "day": day}),
        ("reports.daily", {"day": day, "codes": ["3503"]}),
        ("areas.evaluate", {"day": day}),
        ("quarantine.sweep", {}),
        ("tasks.escalate", {}),
        ("resources.refresh_peaks", {"day": day}),
    ]
    if investigation:
        found.append(("tracing.propose_contacts", {"investigation": investigation}))
    if contact and contact.last_exposure_at:
        start, end = contact.last_exposure_at, timezone.now()
        params = {"contact": contact.pk, "start": start.isoformat(), "end": end.isoformat()}
        found.append(("tracing.propose_secondary", params))
    return found


def fingerprint() -> dict[str, int]:
    """Rows per table, without those that record the running itself (jobs, logs, events)."""
    from django.db import connection

    skip = ("core_job", "core_objectchange", "core_domainevent", "django_session", "axes_")
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor)]
        counts = {}
        for table in tables:
            if table.startswith(skip):
                continue
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def kill_during_each_kind(workers: Workers) -> list[dict]:
    from pingji.core import jobs
    from pingji.core.models import Job
    from pingji.users.models import User

    commander = User.objects.get(username=COMMANDER)
    outcomes = []
    for kind, params in kinds():
        if kind not in jobs.REGISTRY:
            outcomes.append({"kind": kind, "skipped": "not registered here"})
            continue
        row = jobs.enqueue(kind, params, actor=commander)
        _until_status(row.pk, ("running", "succeeded", "failed"), 60)
        worker = Job.objects.get(pk=row.pk).worker
        killed = _status(row.pk) == "running" and workers.kill(int(worker.rsplit(":", 1)[1]))
        workers.start()
        _until_status(row.pk, DONE, 180)
        final = Job.objects.get(pk=row.pk)
        before = fingerprint()
        again = jobs.enqueue(kind, params, actor=commander)
        _until_status(again.pk, DONE, 180)
        changed = {t: (n, m) for t, n in before.items() if (m := fingerprint().get(t)) != n}
        outcomes.append(
            {
                "kind": kind,
                "killed_while_running": killed,
                "status": final.status,
                "attempts": final.attempts,
                "second_run": _status(again.pk),
                "second_run_changed": changed,
            }
        )
    return outcomes


def broker_outage(redis: Redis, workers: Workers, seconds: float) -> dict:
    from pingji.core import jobs
    from pingji.users.models import User

    commander = User.objects.get(username=COMMANDER)
    redis.stop()
    errors, queued = 0, []
    for _ in range(10):
        try:
            queued.append(jobs.enqueue("core.export", {"model": "geo.place", "within": "3503"},
                                       actor=commander).pk)  # fmt: skip
        except Exception:  # noqa: BLE001 — what is counted
            errors += 1
    time.sleep(seconds)
    alive = workers.alive()
    redis.start()
    started = time.monotonic()
    _until(lambda: all(_status(pk) == "succeeded" for pk in queued), 180)
    return {
        "outage_s": seconds,
        "enqueue_errors": errors,
        "jobs": len(queued),
        "workers_alive_after_outage": alive,
        "drained_s": round(time.monotonic() - started, 1),
        "succeeded": sum(_status(pk) == "succeeded" for pk in queued),
    }


def postgres_restart(workers: Workers) -> dict:
    from django.db import connection
    from django.utils import timezone

    from pingji.core import jobs
    from pingji.users.models import User

    commander = User.objects.get(username=COMMANDER)
    day = timezone.localdate().isoformat()
    queued = [
        jobs.enqueue(kind, params, actor=commander).pk
        for kind, params in [
            ("reports.generate", {"code": "3503", "day": day}),
            ("core.export", {"model": "cases.case", "within": "35"}),
        ]
        * 4
    ]
    time.sleep(1)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )
    connection.close()
    _until(lambda: all(_status(pk) in ("succeeded", "failed") for pk in queued), 300)
    statuses = [_status(pk) for pk in queued]
    return {
        "jobs": len(queued),
        "succeeded": statuses.count("succeeded"),
        "failed": statuses.count("failed"),
        "workers_alive": workers.alive(),
    }


def _status(job_id: int) -> str:
    from django.db import OperationalError, close_old_connections

    from pingji.core.models import Job

    try:
        return Job.objects.values_list("status", flat=True).get(pk=job_id)
    except OperationalError:  # the database restarting: ask again
        close_old_connections()
        return "unknown"


DONE = ("succeeded", "failed")


def _until_status(job_id: int, statuses: tuple[str, ...], seconds: float) -> bool:
    return _until(lambda: _status(job_id) in statuses, seconds)


def _until(ready, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return True
        time.sleep(0.05)
    return False


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="pj_faults")
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument(
        "--no-restart", action="store_true", help="leave PostgreSQL alone (others use it)"
    )
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        sys.exit("needs redis-server")
    env, redis = prepare(args)
    workers = Workers(env)
    workers.start()
    workers.start()
    try:
        figures = {
            "kill_9": kill_during_each_kind(workers),
            "broker_outage": broker_outage(redis, workers, args.outage),
            "postgres_restart": None if args.no_restart else postgres_restart(workers),
        }
    finally:
        workers.stop()
        redis.stop()
    emit("faults", figures)


if __name__ == "__main__":
    main()
