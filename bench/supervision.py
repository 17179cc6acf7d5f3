"""The supervision view of a province with 100,000 open tasks (target: under 1 s).

Loads the real Fujian divisions (province, 9 cities, 84 counties, 1,170 townships) into a fresh
database, writes ``--open`` open tasks owned by townships and counties (a third of them overdue,
some escalated, of the four command kinds and others) plus ``--open // 5`` closed ones over the
last two weeks (for the trend), then times ``tasks.supervision.supervise`` for the province, a
city and a county. Measured on the embedded SQLite and on PostgreSQL in the same run.

Peer, measured in the same run on each database: the naive view — load every open task of the
province and group it in Python — which is what the SQL aggregation avoids.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from urllib.parse import urlparse

from _common import ROOT, emit, fresh_data_dir, setup_django

KINDS = ("directive", "rectification", "plan-measure", "improvement", "door-check", "general")


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def child(open_tasks: int, runs: int, reuse: bool = False) -> dict:
    """Runs inside a process whose settings point at the database to measure."""
    setup_django(os.environ["PINGJI_DATA_DIR"])
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from pingji.geo.loaders import load_divisions
    from pingji.geo.models import Jurisdiction
    from pingji.tasks.choices import OPEN_STATUSES
    from pingji.tasks.models import Task
    from pingji.tasks.supervision import supervise

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    now = timezone.now()
    reused = reuse and Task.objects.exists()
    if not reused:
        load_divisions()
    owners = list(
        Jurisdiction.objects.filter(level__in=["county", "township"]).values_list("code", "parent")
    )
    cities = sorted({c[:4] for c, _p in owners})
    started = time.perf_counter()
    batch = []

    def flush():
        Task.objects.bulk_create(batch, batch_size=5000)
        batch.clear()

    for n in range(0 if reused else open_tasks + open_tasks // 5):
        code, parent = rng.choice(owners)
        is_open = n < open_tasks
        created = now - datetime.timedelta(hours=rng.uniform(1, 30 * 24))
        deadline = now + datetime.timedelta(hours=rng.uniform(-10 * 24, 20 * 24))
        late = is_open and deadline < now
        batch.append(
            Task(
                kind=rng.choice(KINDS),
                title=f"task {n}",
                jurisdiction_id=code,
                deadline=deadline,
                created_at=created,
                status=rng.choice(["open"] * 17 + ["submitted"] * 2 + ["returned"])
                if is_open
                else "done",
                verified_at=None
                if is_open
                else now - datetime.timedelta(hours=rng.uniform(1, 300)),
                escalated_to_id=parent if late and rng.random() < 0.5 else None,
            )
        )
        if len(batch) >= 5000:
            flush()
    flush()
    load_s = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tasks_task")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def timed(work) -> dict:
        work()  # warm caches once, as a commander reloading the page would
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            work()
            samples.append(time.perf_counter() - t)
        return {
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "max_ms": round(max(samples) * 1000, 1),
        }

    def naive(code: str):
        groups: dict = {}
        rows = Task.objects.filter(
            jurisdiction__code__startswith=code, status__in=OPEN_STATUSES
        ).values_list("jurisdiction_id", "kind", "deadline", "status")
        for owner, kind, deadline, _status in rows:
            key = (owner[:4], kind)
            late, total = groups.get(key, (0, 0))
            groups[key] = (late + (deadline < now), total + 1)
        return groups

    view = supervise("35")
    assert reused or view.open == open_tasks, (view.open, open_tasks)
    county = max(owners, key=lambda o: o[0])[0][:6]
    return {
        "database": connection.vendor,
        "open_tasks": view.open,
        "overdue": view.overdue,
        "owners": len(view.owners),
        "cities": len(cities),
        "load_s": None if reused else load_s,
        "province": timed(lambda: supervise("35")),
        "city": timed(lambda: supervise("3503")),
        "county": timed(lambda: supervise(county)),
        "peer_naive_python_province": timed(lambda: naive("35")),
    }


def run_child(env: dict, args) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--open", str(args.open), "--runs", str(args.runs)]
        + (["--reuse"] if args.reuse else []),
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/pj_command_bench"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the tasks already loaded (with --data-dir and an existing PostgreSQL database)",
    )
    parser.add_argument("--data-dir", help="the SQLite data dir to use (default: a fresh one)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.open, args.runs, args.reuse)))
        return
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["PYTHONPATH"] = str(ROOT)
    sqlite_dir = args.data_dir or fresh_data_dir("supervision")
    sqlite = run_child({**base, "PINGJI_DATA_DIR": sqlite_dir}, args)
    figures = {"target_ms": 1000, "sqlite": sqlite}
    if not args.skip_postgres:
        if not args.reuse:
            ensure_database(args.database_url)
        env = {
            **base,
            "PINGJI_DATA_DIR": fresh_data_dir("supervision-pg"),
            "DATABASE_URL": args.database_url,
        }
        figures["postgresql"] = run_child(env, args)
    emit("supervision", figures)


if __name__ == "__main__":
    main()
