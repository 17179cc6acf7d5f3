"""What personal-data protection costs the API: the same reads with and without it, same run.

Target: masking, throttling and auditing add at most 10 % to the API's p95
on the 1,000,000-person bench. "Without" is the code before that work — a pinned commit of main
(``--peer-commit``, checked out into a temporary worktree) — serving the same database; "with" is
this checkout. Both answer a county operator's first page of persons and person details over
keep-alive HTTP through gunicorn (two sync workers), in alternating rounds so that drift of the
machine falls on both alike.

The database (``--database-url``) is loaded once, by the peer, through the demo loader at the
scale that gives ``--persons``; this checkout then migrates it (the migrations only add to it, so
the peer still reads it). Usage:
``python bench/api_protection.py [--persons 1000000] [--requests 300] [--rounds 3]``.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, emit, fresh_data_dir
from api_latency import (
    PROVINCE_PERSONS,
    ensure_database,
    free_port,
    percentiles,
    timed_http,
    wait_for_port,
)

PEER_COMMIT = "e975ec8"  # main before the personal-data work


def run(code_root: Path, args: list[str], env: dict) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pingji.cli", *args],
        env={**env, "PYTHONPATH": str(code_root)},
        cwd=code_root,
        text=True,
        capture_output=True,
    )
    if done.returncode:
        raise SystemExit(f"pingji {' '.join(args)} ({code_root}) failed:\n{done.stderr[-3000:]}")
    return done.stdout


def county_sample(url: str, n: int) -> tuple[str, list[int], int]:
    import random

    import psycopg

    with psycopg.connect(url) as conn:
        total = conn.execute("SELECT COUNT(*) FROM people_person").fetchone()[0]
        county = conn.execute(
            "SELECT LEFT(jurisdiction_id, 6) FROM people_person GROUP BY 1 ORDER BY COUNT(*) DESC"
            " LIMIT 1"
        ).fetchone()[0]
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM people_person WHERE LEFT(jurisdiction_id, 6) = %s", [county]
            )
        ]
    rng = random.Random(7)
    return county, [rng.choice(ids) for _ in range(n)], total


def forget_peer_tokens(url: str) -> None:
    """This checkout drops the peer's clear-text token table (decision 0034): forget it entirely,
    so that the peer's own migrations create it again, empty, whenever they next run."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS authtoken_token")
        if conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0]:
            conn.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


def serve_and_time(code_root: Path, env: dict, token: str, paths: list[str]) -> list[float]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pingji.wsgi:application", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}"],
        env={**env, "PYTHONPATH": str(code_root), "PINGJI_DEBUG": "0"},
        cwd=code_root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        timed_http(port, token, paths[:40])  # warm both workers
        return timed_http(port, token, paths)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pingji_bench")
    parser.add_argument("--peer-commit", default=PEER_COMMIT)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    ensure_database(args.database_url)
    peer_root = Path(tempfile.mkdtemp(prefix="pingji-peer-")) / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(peer_root), args.peer_commit],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "DATABASE_URL": args.database_url}
    env["PINGJI_DATA_DIR"] = os.environ.get("PINGJI_BENCH_DATA_DIR") or fresh_data_dir("prot")
    key_file = Path(env["PINGJI_DATA_DIR"]) / "field_key"
    if "PINGJI_FIELD_KEY" not in env and key_file.exists():  # the key the peer loaded with
        env["PINGJI_FIELD_KEY"] = key_file.read_text().strip()
    try:
        scale = args.persons / PROVINCE_PERSONS
        forget_peer_tokens(args.database_url)
        run(peer_root, ["demo", "--no-serve", "--scale", f"{scale:.6f}"], env)  # reuses a load
        run(ROOT, ["migrate", "--no-input"], env)
        forget_peer_tokens(args.database_url)
        if "rest_framework.authtoken" in (peer_root / "pingji" / "settings.py").read_text():
            run(peer_root, ["migrate", "authtoken"], env)  # a peer from before hashed tokens
        county, ids, total = county_sample(args.database_url, args.requests)
        user = f"{county}-operator"
        tokens = {
            "without": run(peer_root, ["token", user], env).strip().splitlines()[-1],
            "with": run(ROOT, ["token", user], env).strip().splitlines()[-1],
        }
        roots = {"without": peer_root, "with": ROOT}
        first_page = "/api/people/persons/"
        paths = [first_page] * args.requests + [f"{first_page}{i}/" for i in ids]
        samples: dict[str, list[float]] = {"without": [], "with": []}
        for r in range(args.rounds):
            for side in ("without", "with") if r % 2 == 0 else ("with", "without"):
                samples[side] += serve_and_time(roots[side], env, tokens[side], paths)
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(peer_root)], cwd=ROOT, capture_output=True
        )
    n = args.requests
    figures = {}
    for side, values in samples.items():
        pages = [v for i, v in enumerate(values) if (i // n) % 2 == 0]
        details = [v for i, v in enumerate(values) if (i // n) % 2 == 1]
        figures[side] = {"first_page": percentiles(pages), "detail": percentiles(details)}
    ratio = {
        key: round(figures["with"][key]["p95_ms"] / figures["without"][key]["p95_ms"], 3)
        for key in ("first_page", "detail")
    }
    emit(
        "api_protection",
        {
            "persons_in_database": total,
            "county": county,
            "peer_commit": args.peer_commit,
            **figures,
            "p95_ratio_with_to_without": ratio,
            "target_ratio": 1.10,
            "load_avg_1m": round(os.getloadavg()[0], 2),
        },
    )


if __name__ == "__main__":
    main()
