"""Quarantine at outbreak scale: today's schedule and the grid worker's list page.

Targets: today's schedule (check-ins and tests due, overdue) for 100,000 active
placements in under 2 s; a grid worker's list page under 200 ms at the 95th percentile with
100,000 active placements in PostgreSQL.

The run loads ``--placements`` active placements (people at home and at sites, spread over
``--grids`` grids of one county, each with its pending tests) into the database of
``DATABASE_URL`` (default: the PostgreSQL database below; reloaded each run), then times
``schedule.today_schedule`` over all of them and the grid worker's page ``/quarantine/today/``
through Django's test client (in process: the view, its queries and the template, without a web
server). Peer, measured in the same run: the same schedule as one hand-written SQL statement
through the database cursor (the database's floor), and the page's own queries without rendering.
"""

import argparse
import datetime
import os
import sys
import time

from _common import emit, fresh_data_dir, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pj_quarantine_bench"


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        name = parts.path.lstrip("/")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "n": len(ordered)}


def load(n: int, grids: int, today: datetime.date) -> str:
    """Placements of one county's residents; returns the code of the first grid."""
    import random

    from django.utils import timezone

    from pingji.geo.choices import Level
    from pingji.geo.models import Jurisdiction
    from pingji.people.models import Person
    from pingji.protocols.models import Protocol
    from pingji.quarantine.models import Placement, Room, ScheduledTest, Site

    rng = random.Random(4)
    tree = [
        ("35", Level.PROVINCE, None),
        ("3503", Level.CITY, "35"),
        ("350322", Level.COUNTY, "3503"),
    ]
    grid_codes = []
    for t in range(max(1, grids // 100)):
        town = f"350322{t + 100:03d}"
        tree.append((town, Level.TOWNSHIP, "350322"))
        for c in range(10):
            community = f"{town}{c + 1:03d}"
            tree.append((community, Level.COMMUNITY, town))
            for g in range(10):
                grid_codes.append(f"{community}{g + 1:03d}")
                tree.append((grid_codes[-1], Level.GRID, community))
    Jurisdiction.objects.bulk_create(
        Jurisdiction(code=c, name=f"J{c}", level=lv, parent_id=p) for c, lv, p in tree
    )
    grid_codes = grid_codes[:grids]
    people = Person.objects.bulk_create(
        (Person(name=f"居民{i}", jurisdiction_id=grid_codes[i % grids]) for i in range(n)),
        batch_size=5000,
    )
    protocol = Protocol.objects.get(code="cn-8th-edition")
    site = Site.objects.create(name="bench hotel", kind="hotel", jurisdiction_id="350322")
    rooms = Room.objects.bulk_create(Room(site=site, number=str(i)) for i in range(n // 5))
    now = timezone.now()
    rows = []
    for i, person in enumerate(people):
        exposed = today - datetime.timedelta(days=rng.randint(1, 20))
        at_site = i % 5 == 1
        release = exposed + datetime.timedelta(days=14)
        rows.append(
            Placement(
                person=person,
                category="close_contact",
                protocol=protocol,
                exposure_on=exposed,
                centralized_days=14,
                home_quarantine_days=0,
                home_monitoring_days=7,
                planned_release_on=release,
                planned_end_on=release + datetime.timedelta(days=7),
                setting="centralised" if at_site else "home",
                site=site if at_site else None,
                room=rooms[i // 5] if at_site else None,
                jurisdiction_id="350322" if at_site else person.jurisdiction_id,
                home_id=person.jurisdiction_id,
                placed_at=now - datetime.timedelta(days=rng.randint(1, 10)),
                last_check_on=today - datetime.timedelta(days=rng.choice((0, 0, 1, 1, 1, 2))),
                next_test_on=today + datetime.timedelta(days=rng.randint(-1, 4)),
            )
        )
    Placement.objects.bulk_create(rows, batch_size=5000)
    ScheduledTest.objects.bulk_create(
        (
            ScheduledTest(
                placement=p,
                day=d,
                setting=p.setting,
                due_on=p.exposure_on + datetime.timedelta(days=d),
            )
            for p in rows
            for d in (7, 14)
        ),
        batch_size=10000,
    )
    return grid_codes[0]


FLOOR_SQL = """
SELECT substr(jurisdiction_id, 1, 6), count(*),
       count(*) FILTER (WHERE last_check_on = %(on)s),
       count(*) FILTER (WHERE next_test_on = %(on)s),
       count(*) FILTER (WHERE last_check_on < %(y)s OR next_test_on < %(on)s
                        OR (last_check_on IS NULL AND placed_at < %(y)s))
FROM quarantine_placement
WHERE status = 'active' AND planned_end_on >= %(on)s AND placed_at < %(tomorrow)s
GROUP BY 1
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--placements", type=int, default=100_000)
    parser.add_argument("--grids", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the data of an earlier run of the same size."
    )
    args = parser.parse_args()
    if args.database_url.startswith("postgres") and not args.reuse:
        ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    setup_django(fresh_data_dir("quarantine"))
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from pingji.quarantine import schedule
    from pingji.quarantine.models import Placement
    from pingji.users.choices import Role
    from pingji.users.models import User

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    loaded = Placement.objects.count()
    if args.reuse and loaded == args.placements:
        grid = Placement.objects.filter(setting="home").order_by("home_id").first().home_id
    elif loaded:
        sys.exit(f"the database holds {loaded} placements; run without --reuse to reload it")
    else:
        grid = load(args.placements, args.grids, today)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE")
    load_s = time.perf_counter() - started

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        day = schedule.today_schedule(Placement.objects.all(), today)
        runs.append(time.perf_counter() - t0)
    floor = []
    if connection.vendor == "postgresql":
        y = today - datetime.timedelta(days=1)
        params = {"on": today, "y": y, "tomorrow": today + datetime.timedelta(days=1)}
        with connection.cursor() as cur:
            for _ in range(5):
                t0 = time.perf_counter()
                cur.execute(FLOOR_SQL, params)
                cur.fetchall()
                floor.append(time.perf_counter() - t0)

    worker, _ = User.objects.get_or_create(
        username="bench-grid", defaults={"role": Role.GRID_WORKER, "jurisdiction_id": grid}
    )
    client = Client()
    client.force_login(worker)
    url = "/quarantine/today/"
    assert client.get(url).status_code == 200
    page, cpu = [], []
    load_before = os.getloadavg()[0]
    for _ in range(args.requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        page.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    people = response.content.count(b"data-placement=")
    from pingji.quarantine.views import TodayView

    view = TodayView()
    view.request = type("R", (), {"user": worker, "session": {}})()
    queries = []
    for _ in range(args.requests):
        t0 = time.perf_counter()
        view.get_context_data()
        queries.append(time.perf_counter() - t0)
    emit(
        "quarantine",
        {
            "database": connection.vendor,
            "placements": args.placements,
            "grids": args.grids,
            "people_in_grid": people,
            "load_s": round(load_s, 1),
            "schedule": {
                "best_s": round(min(runs), 3),
                "worst_s": round(max(runs), 3),
                "active": day.active,
                "checks_due": day.checks_due,
                "tests_due": day.tests_due,
                "overdue": day.overdue,
            },
            "schedule_sql_floor_best_s": round(min(floor), 3) if floor else None,
            "grid_page": percentiles(page),
            "grid_page_cpu_of_this_process": percentiles(cpu),
            "grid_page_queries_only": percentiles(queries),
            "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "target": {"schedule_s": 2.0, "grid_page_p95_ms": 200},
        },
    )


if __name__ == "__main__":
    main()
