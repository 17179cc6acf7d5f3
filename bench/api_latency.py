"""API latency with a large population in PostgreSQL: a county user's first page and a detail.

Target: with 1,000,000 persons, a county user's first page of persons and a
person's detail answer in under 100 ms at the 95th percentile, measured through the HTTP API.

The run loads the demo province at the scale that gives ``--persons`` into a PostgreSQL database
(``--database-url``; reused when already loaded), serves it with gunicorn (the ``server`` extra;
two sync workers, one per core, as in production) and times keep-alive HTTP requests with a token
of the most populous county's operator. Peer, measured in the same run: the same two reads as
plain SQL through psycopg (the database's floor).
"""

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

from _common import ROOT, emit, fresh_data_dir

PROVINCE_PERSONS = 41_540_086  # 7th census, Fujian (pingji/geo/data/README.md)


def pingji(args: list[str], env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "pingji.cli", *args], env=env, text=True, capture_output=True
    )
    if done.returncode:
        raise SystemExit(f"pingji {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        name = parts.path.lstrip("/")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, tries: int = 100) -> None:
    """Until a server listens on ``port`` (at most ``tries`` × 0.2 s)."""
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "n": len(ordered)}


def timed_http(port: int, token: str, paths: list[str]) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    samples = []
    for path in paths:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        samples.append(time.perf_counter() - started)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}: {body[:200]!r}")
    conn.close()
    return samples


def timed_sql(url: str, county: str, ids: list[int]) -> tuple[list[float], list[float]]:
    """The reads the API makes, as plain SQL: count + first page, and one row by key."""
    import psycopg

    scope = "jurisdiction_id >= %s AND jurisdiction_id <= %s"  # what __within compiles to
    bounds = [county, county + "9" * 32]
    page, detail = [], []
    with psycopg.connect(url) as conn:
        for pk in ids:
            started = time.perf_counter()
            conn.execute(f"SELECT COUNT(*) FROM people_person WHERE {scope}", bounds).fetchone()
            conn.execute(
                f"SELECT * FROM people_person WHERE {scope} "
                "ORDER BY jurisdiction_id, name, id LIMIT 50",
                bounds,
            ).fetchall()
            page.append(time.perf_counter() - started)
            started = time.perf_counter()
            conn.execute("SELECT * FROM people_person WHERE id = %s", [pk]).fetchone()
            detail.append(time.perf_counter() - started)
    return page, detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pingji_bench")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    ensure_database(args.database_url)
    env = {**os.environ, "DATABASE_URL": args.database_url}
    env["PINGJI_DATA_DIR"] = fresh_data_dir("api")
    env["PYTHONPATH"] = str(ROOT)
    scale = args.persons / PROVINCE_PERSONS
    started = time.perf_counter()
    pingji(["demo", "--no-serve", "--scale", f"{scale:.6f}"], env)
    load_s = round(time.perf_counter() - started, 1)

    import psycopg

    with psycopg.connect(args.database_url) as conn:
        total = conn.execute("SELECT COUNT(*) FROM people_person").fetchone()[0]
        county, in_county = conn.execute(
            "SELECT LEFT(jurisdiction_id, 6) AS c, COUNT(*) FROM people_person "
            "GROUP BY c ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM people_person WHERE LEFT(jurisdiction_id, 6) = %s", [county]
            ).fetchall()
        ]
    gb = county.ljust(6, "0")
    token = pingji(["token", f"{gb}-operator"], env).stdout.strip()
    rng = random.Random(7)
    sample_ids = [rng.choice(ids) for _ in range(args.requests)]

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pingji.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env={**env, "PINGJI_DEBUG": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        first_page = "/api/people/persons/"
        timed_http(port, token, [first_page] * 20 + [f"{first_page}{i}/" for i in sample_ids[:20]])
        page_http = timed_http(port, token, [first_page] * args.requests)
        detail_http = timed_http(port, token, [f"{first_page}{i}/" for i in sample_ids])
    finally:
        server.terminate()
        server.wait(10)
    page_sql, detail_sql = timed_sql(args.database_url, county, sample_ids)

    emit(
        "api_latency",
        {
            "persons_in_database": total,
            "county": gb,
            "persons_in_county": in_county,
            "demo_load_s": load_s,
            "first_page_http": percentiles(page_http),
            "detail_http": percentiles(detail_http),
            "peer_first_page_sql": percentiles(page_sql),
            "peer_detail_sql": percentiles(detail_sql),
            "target_p95_ms": 100,
        },
    )


if __name__ == "__main__":
    main()
