"""The province's situation room and daily report with a large outbreak in PostgreSQL.

Targets: with 1,000,000 persons and 100,000 cases, the province's dashboard answers its
first view in under 1 s, and the province's daily report is generated in under 30 s.

The run prepares ``--database-url`` once (reused when already loaded): the real divisions, the
synthetic tree and ``--persons`` person rows over the whole province (see ``load_population``),
then ``--cases`` cases drawn from those residents and spread over
the four outbreak cities and September–October 2021 in the shape of the real outbreak, each with
its ``cases.reported`` event (and a reclassification for 9 % of them, outcomes for most), bulk
inserted as ``do_report_case`` would have written them.

Measured: the first GET of ``/reports/situation/35/`` as the province's commander in a fresh
process (URL conf and templates loaded by one request to another page first), live (no stored
estimates) and again after ``do_compute_series`` stored them; then the daily report. Peer, measured
in the same run: the obvious way to get the dashboard's case figures — every case event of the
province read into Python and counted by city and day in a loop.
Usage: ``python bench/dashboard.py [--database-url URL] [--persons 1000000] [--cases 100000]``.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from urllib.parse import urlparse

from _common import ROOT, emit, fresh_data_dir, peak_rss_mib

PROVINCE_PERSONS = 41_540_086
DAY = datetime.date(2021, 10, 31)
CITY_WEIGHTS = {"3503": 0.44, "3502": 0.50, "3505": 0.05, "3506": 0.01}


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        name = parts.path.lstrip("/")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["PINGJI_DATA_DIR"] = fresh_data_dir("dashboard")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingji.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_population(persons: int, seed: int) -> float:
    """The divisions, the synthetic tree at the scale of ``persons``, the demo accounts, and
    ``persons`` person rows spread over the grids by population, inserted by one SQL statement.

    The identity columns are left empty: encrypting a million identity numbers (what ``pingji
    demo`` does) takes longer than this shared machine gives a benchmark, and neither the dashboard
    nor the report reads persons (cases carry their grid).
    """
    from django.db import connection, transaction

    from pingji.demo.accounts import create_demo_users
    from pingji.geo.loaders.divisions import load_divisions
    from pingji.geo.synthetic import generate_tree
    from pingji.people.models import Person

    if Person.objects.exists():
        return 0.0
    started = time.perf_counter()
    scale = persons / PROVINCE_PERSONS
    with transaction.atomic():
        load_divisions()
        generate_tree(scale=scale, seed=seed)
        create_demo_users()
        with connection.cursor() as cur:
            cur.execute(
                """
                WITH grids AS (
                    SELECT code, population::float / sum(population) OVER () AS share
                    FROM geo_jurisdiction WHERE level = 'grid' AND population > 0
                )
                INSERT INTO people_person (name, sex, birth_date, id_number_masked, phone_hash,
                                           phone_masked, created_at, jurisdiction_id)
                SELECT '居民' || n, CASE WHEN n %% 2 = 0 THEN 'F' ELSE 'M' END,
                       DATE '1950-01-01' + (n %% 25000), '', '', '', now(), g.code
                FROM grids g CROSS JOIN LATERAL generate_series(1, round(g.share * %s)::int) AS n
                """,
                [persons],
            )
    return time.perf_counter() - started


def outbreak_curve(n_days: int) -> list[float]:
    """Daily weights of a wave peaking on day 12 (the shape of the September 2021 outbreak)."""
    return [max(0.02, 1.0 - abs(d - 12) / 14) ** 2 for d in range(n_days)]


def load_cases(n: int, seed: int) -> float:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from pingji.cases.contracts import OUTCOME_RECORDED, REPORTED
    from pingji.cases.models import Case
    from pingji.core.models import DomainEvent

    if Case.objects.exists():
        return 0.0
    started = time.perf_counter()
    rng = random.Random(seed)
    tz = datetime.timezone(datetime.timedelta(hours=8))
    start = datetime.date(2021, 9, 10)
    n_days = (DAY - start).days + 1
    weights = outbreak_curve(n_days)
    ct = ContentType.objects.get_for_model(Case)
    channels = [
        "fever_clinic",
        "community_screening",
        "centralised_quarantine",
        "controlled_area_screening",
        "proactive_testing",
        "home_quarantine",
    ]
    with transaction.atomic():
        for city, share in CITY_WEIGHTS.items():
            k = int(round(n * share))
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT id, jurisdiction_id FROM people_person WHERE jurisdiction_id LIKE %s "
                    "ORDER BY random() LIMIT %s",
                    [city + "%", k],
                )
                people = cur.fetchall()
            cases, events = [], []
            for pid, grid in people:
                day = start + datetime.timedelta(days=rng.choices(range(n_days), weights)[0])
                at = datetime.datetime.combine(
                    day, datetime.time(rng.randint(0, 23), rng.randint(0, 59)), tz
                )
                asym = rng.random() < 0.09
                cases.append(
                    Case(
                        person_id=pid,
                        jurisdiction_id=grid,
                        classification="asymptomatic" if asym else "confirmed",
                        severity="" if asym else "mild",
                        onset_date=None if asym else day - datetime.timedelta(days=1),
                        sampled_at=at - datetime.timedelta(hours=8),
                        reported_at=at,
                        channel=rng.choice(channels),
                    )
                )
            Case.objects.bulk_create(cases, batch_size=5000)
            for c in cases:
                asym = c.classification == "asymptomatic"
                events.append(
                    DomainEvent(
                        kind=REPORTED,
                        time=c.reported_at,
                        jurisdiction_code=grid_of(c),
                        content_type=ct,
                        object_id=str(c.pk),
                        summary=f"Case {c.pk} reported",
                        payload={
                            "new_infection": 1,
                            "new_confirmed": int(not asym),
                            "new_asymptomatic": int(asym),
                            "classification": c.classification,
                            "channel": c.channel,
                            "inside_control": c.channel
                            in (
                                "centralised_quarantine",
                                "home_quarantine",
                                "controlled_area_screening",
                            ),
                            "origin": "local",
                            "episode": 1,
                        },
                    )
                )
                out = c.reported_at + datetime.timedelta(days=rng.randint(16, 24))
                if out.date() <= DAY:
                    events.append(
                        DomainEvent(
                            kind=OUTCOME_RECORDED,
                            time=out,
                            jurisdiction_code=grid_of(c),
                            content_type=ct,
                            object_id=str(c.pk),
                            summary=f"Case {c.pk} recovered",
                            payload={"recovered": 1, "died": 0, "classification": c.classification},
                        )
                    )
            DomainEvent.objects.bulk_create(events, batch_size=5000)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return time.perf_counter() - started


def grid_of(case) -> str:
    return case.jurisdiction_id


def peer_counts() -> tuple[float, int]:
    """The obvious way: every case event of the province into Python, counted in a loop."""
    from django.utils import timezone

    from pingji.core.models import DomainEvent

    started = time.perf_counter()
    counts: dict = {}
    rows = DomainEvent.objects.filter(
        kind__in=["cases.reported", "cases.reclassified", "cases.outcome_recorded"],
        jurisdiction_code__startswith="35",
    ).values_list("jurisdiction_code", "time", "payload")
    for code, t, payload in rows.iterator(chunk_size=20000):
        key = (code[:4], timezone.localtime(t).date())
        c = counts.setdefault(key, [0, 0, 0])
        c[0] += payload.get("new_confirmed", 0)
        c[1] += payload.get("new_asymptomatic", 0)
        c[2] += payload.get("new_infection", 0)
    return time.perf_counter() - started, sum(v[0] for v in counts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/pj_analytics_bench"
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20210910)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup(args.database_url)

    from django.db import connection
    from django.test import Client

    from pingji.analytics.actions.series import do_compute_series
    from pingji.analytics.models import ForecastRun, RtEstimate
    from pingji.cases.models import Case
    from pingji.geo.models import Jurisdiction
    from pingji.people.models import Person
    from pingji.reports.actions.daily_reports import do_generate_daily_report
    from pingji.users.models import User

    population_s = load_population(args.persons, args.seed)
    cases_s = load_cases(args.cases, args.seed)
    persons, cases = Person.objects.count(), Case.objects.count()
    province = Jurisdiction.objects.get(code="35")
    # a clean start: nothing stored from an earlier run, so the first view is computed live
    from pingji.analytics.contracts import SERIES_COMPUTED
    from pingji.analytics.models import DailyIndicator
    from pingji.core.models import DomainEvent

    for model in (DailyIndicator, RtEstimate, ForecastRun):
        rows = model.objects.all()
        rows._raw_delete(rows.db)
    DomainEvent.objects.filter(kind=SERIES_COMPUTED).delete()

    client = Client()
    client.force_login(User.objects.get(username="350000-commander"))
    client.get("/reports/daily/")  # URL conf, templates, the session: not the dashboard's cost
    url = f"/reports/situation/35/?on={DAY.isoformat()}"

    def timed() -> float:
        connection.close()  # a new connection, as a new worker would have
        t0 = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - t0

    first_live = timed()
    live = [timed() for _ in range(args.repeat)]
    t0 = time.perf_counter()
    stored_counts = do_compute_series(province, datetime.date(2021, 9, 7), DAY)
    compute_series_s = time.perf_counter() - t0
    first_stored = timed()
    stored = [timed() for _ in range(args.repeat)]
    t0 = time.perf_counter()
    report = do_generate_daily_report(province, DAY)
    report_s = time.perf_counter() - t0
    peer_s, peer_confirmed = peer_counts()
    emit(
        "dashboard",
        {
            "database": connection.vendor,
            "persons": persons,
            "cases": cases,
            "population_load_s": round(population_s, 1),
            "cases_load_s": round(cases_s, 1),
            "first_view_live_s": round(first_live, 3),
            "view_live_median_s": round(statistics.median(live), 3),
            "first_view_stored_s": round(first_stored, 3),
            "view_stored_median_s": round(statistics.median(stored), 3),
            "compute_series_s": round(compute_series_s, 2),
            "stored": stored_counts,
            "daily_report_s": round(report_s, 2),
            "report_confirmed": report.figures.get("cum_new_confirmed"),
            "peer": "every case event of the province into Python, counted by city and day",
            "peer_s": round(peer_s, 3),
            "peer_confirmed": peer_confirmed,
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()
