"""Logged-in users against gunicorn on PostgreSQL: throughput, latency and worker CPU per request.

Target: the gunicorn workers spend at most a third of the CPU per request that the peer's spend
(``--peer-commit``, main before the CPU budget work, checked out into a temporary worktree). CPU
per request, not requests per second, is the figure compared: the load generator shares the
machine with the server, and what it takes away from the workers falls on both sides alike.

Each side prepares the same small demo province (``pingji demo --scale``, its own code, its own
database ``<database>_<side>``, kept between runs with its data dir and personal-data key) and is
served by gunicorn (``--workers`` sync workers, or of ``--threads`` threads each) with a shared
Redis cache, as in production (``PINGJI_CACHE_URL``; each side its own Redis database). For each
number of users (``--users``) and each side in turn, every user logs in through the pages (password,
then the code of the demo's shared authenticator where the role has two factors) as its own demo
account, then asks for a page or an API list from ``MIX`` after each answer, for ``--seconds``.
Worker CPU is the change in utime + stime of the gunicorn workers (``/proc``) over the run, divided
by the requests; the logins are measured the same way, apart. Prints a markdown table with both
sides side by side.
Usage: ``python bench/load.py [--users 10,50] [--seconds 20] [--peer-commit bb38e9c]
[--threads 4]``.
"""

import argparse
import hashlib
import hmac
import os
import random
import secrets
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from _common import ROOT
from api_latency import ensure_database, free_port, percentiles, wait_for_port

PEER_COMMIT = "bb38e9c"  # main before the CPU budget per request
CACHE_URL = "redis://127.0.0.1:6379"
CACHE_DBS = {"current": 12, "peer": 13}
#: The demo's shared authenticator secret (pingji.demo.accounts.DEMO_OTP_KEY), public.
DEMO_OTP_KEY = bytes.fromhex("70696e676a692d64656d6f2d6f74702d6b657921")
DEMO_PASSWORD = "pingji-demo"
#: Counties of the demo's outbreak go first; each user logs in as its own county account.
OUTBREAK_COUNTIES = ["350322", "350304", "350302", "350303", "350305", "350203", "350206"]
ROLES = ["commander", "epidemiologist", "operator"]
#: (weight, path) of what a logged-in user asks for; {county} is the user's county.
MIX = [
    (16, "/tasks/"),
    (8, "/"),
    (6, "/tasks/all/"),
    (8, "/cases/"),
    (8, "/reports/situation/{county}/"),
    (6, "/quarantine/"),
    (4, "/quarantine/today/"),
    (3, "/testing/"),
    (4, "/areas/"),
    (3, "/people/search/"),
    (4, "/tracing/"),
    (3, "/command/"),
    (6, "/api/tasks/tasks/"),
    (5, "/api/cases/cases/"),
    (4, "/api/people/persons/"),
    (4, "/api/quarantine/placements/"),
    (2, "/api/areas/risk-areas/"),
]


def totp(key: bytes, at: float) -> str:
    """The 6-digit code of an authenticator (RFC 6238: SHA-1, 30 s steps) at ``at``."""
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


@dataclass
class Side:
    name: str
    root: Path
    database_url: str
    env: dict = field(default_factory=dict)


def pingji(side: Side, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pingji.cli", *args],
        env=side.env,
        cwd=side.root,
        text=True,
        capture_output=True,
    )
    if done.returncode:
        raise SystemExit(f"pingji {' '.join(args)} ({side.name}) failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(side: Side, scale: str) -> None:
    """The side's demo in its own database, reused when its data dir (and key) still match."""
    name = urlparse(side.database_url).path.lstrip("/")
    data_dir = Path(tempfile.gettempdir()) / f"pingji-load-{name}"
    marker = data_dir / "scale"
    if not marker.exists() or marker.read_text() != scale:
        shutil.rmtree(data_dir, ignore_errors=True)
        _drop_database(side.database_url)
        data_dir.mkdir(parents=True)
        (data_dir / "load_field_key").write_text(secrets.token_urlsafe(48))
    ensure_database(side.database_url)
    side.env = {
        **os.environ,
        "DATABASE_URL": side.database_url,
        "PINGJI_DATA_DIR": str(data_dir),
        "PINGJI_FIELD_KEY": (data_dir / "load_field_key").read_text(),
        "PYTHONPATH": str(side.root),
        "PINGJI_DEBUG": "0",
        "PINGJI_LOG_LEVEL": "ERROR",
    }
    pingji(side, "demo", "--no-serve", "--scale", scale)
    marker.write_text(scale)


def _drop_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def worker_cpu(master: int) -> float:
    """utime + stime (seconds) of the gunicorn master's children, the workers."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class User:
    """One simulated user: a session of its own demo account, logged in through the pages."""

    def __init__(self, base: str, username: str, county: str):
        import requests

        self.base, self.username, self.county = base, username, county
        self.http = requests.Session()

    def _post(self, path: str, data: dict):
        token = self.http.cookies.get("csrftoken", "")
        return self.http.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base + path},
            allow_redirects=False,
        )

    def login(self) -> None:
        self.http.get(self.base + "/login/")
        answer = self._post("/login/", {"username": self.username, "password": DEMO_PASSWORD})
        if answer.status_code != 302:
            raise SystemExit(f"{self.username} could not log in: {answer.status_code}")
        step = self.http.get(self.base + "/login/otp/", allow_redirects=False)
        if step.status_code == 200:  # the role has two factors: the code is due
            self._pass_code()

    def _pass_code(self) -> None:
        """The current code; a code is accepted once, so after a login of the same account in
        this 30-second step (an earlier run) the next step's code is awaited."""
        for _attempt in range(2):
            code = self._post("/login/otp/", {"otp_token": totp(DEMO_OTP_KEY, time.time())})
            if code.status_code == 302:
                return
            time.sleep(30.5 - time.time() % 30)
        raise SystemExit(f"{self.username} could not pass the code: {code.status_code}")

    def visit_all(self) -> None:
        for _weight, path in MIX:
            self.http.get(self.base + path.format(county=self.county), allow_redirects=False)

    def run(self, until: float, seed: int, out: list, errors: list) -> None:
        rng = random.Random(seed)
        weights, paths = zip(*MIX, strict=True)
        while time.perf_counter() < until:
            path = rng.choices(paths, weights)[0].format(county=self.county)
            started = time.perf_counter()
            try:
                answer = self.http.get(self.base + path, allow_redirects=False, timeout=60)
                ok = answer.status_code == 200
            except Exception:  # noqa: BLE001 — a refused or dropped connection is an error
                ok = False
            (out if ok else errors).append(time.perf_counter() - started)


def accounts(side: Side, n: int) -> list[tuple[str, str]]:
    """(username, county) of ``n`` distinct demo accounts, the outbreak's counties first."""
    import psycopg

    with psycopg.connect(side.database_url) as conn:
        counties = [
            code
            for (code,) in conn.execute(
                "SELECT code FROM geo_jurisdiction WHERE level = 'county' ORDER BY code"
            )
        ]
    counties.sort(key=lambda c: (c not in OUTBREAK_COUNTIES, c))
    pairs = [(f"{c}-{r}", c) for c in counties for r in ROLES]
    if n > len(pairs):
        raise SystemExit(f"at most {len(pairs)} users (one demo account each)")
    return pairs[:n]


def serve(side: Side, workers: int, threads: int = 1) -> tuple[subprocess.Popen, int]:
    """gunicorn with a Redis cache shared by its workers (``PINGJI_CACHE_URL``), a database of
    its own per side so neither reads the other's entries. Sync workers by default, as every
    earlier run measured (a connection per request); ``threads`` above one gives the README's
    production shape, threaded workers that keep a client's connection open."""
    port = free_port()
    cache = f"{CACHE_URL}/{CACHE_DBS[side.name]}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pingji.wsgi:application"]
        + ["--workers", str(workers), "--threads", str(threads)]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        env={**side.env, "PINGJI_CACHE_URL": cache},
        cwd=side.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return server, port


def measure(side: Side, users: int, seconds: float, workers: int, threads: int) -> dict:
    """One side at one number of users: log every user in, then run the mix for ``seconds``."""
    server, port = serve(side, workers, threads)
    try:
        base = f"http://127.0.0.1:{port}"
        *names, warmer = accounts(side, users + 1)
        first = User(base, *warmer)  # imports, templates and caches, in every worker
        first.login()
        for _ in range(2 * workers):
            first.visit_all()
        crowd = [User(base, name, county) for name, county in names]
        cpu = worker_cpu(server.pid)
        for user in crowd:
            user.login()
        login_cpu = (worker_cpu(server.pid) - cpu) / len(crowd)
        latencies: list[float] = []
        errors: list[float] = []
        cpu, started = worker_cpu(server.pid), time.perf_counter()
        until = started + seconds
        threads = [
            threading.Thread(target=u.run, args=(until, i, latencies, errors))
            for i, u in enumerate(crowd)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall, spent = time.perf_counter() - started, worker_cpu(server.pid) - cpu
    finally:
        server.terminate()
        server.wait(20)
    done = len(latencies) + len(errors)
    return {
        "requests_per_s": round(done / wall, 1),
        **(percentiles(latencies) if latencies else {"p50_ms": None, "p95_ms": None}),
        "errors": len(errors),
        "worker_cpu_ms_per_request": round(spent / done * 1000, 2) if done else None,
        "login_cpu_ms": round(login_cpu * 1000, 1),
    }


def table(levels: list[int], results: dict, peer: str) -> str:
    head = (
        "| users | commit | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| worker CPU ms/req | login CPU ms |\n|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for users in levels:
        for side in ("current", "peer"):
            r = results[(users, side)]
            label = "this tree" if side == "current" else peer
            lines.append(
                f"| {users} | {label} | {r['requests_per_s']} | {r['p50_ms']} | {r['p95_ms']} "
                f"| {r.get('p99_ms')} | {r['errors']} | {r['worker_cpu_ms_per_request']} "
                f"| {r['login_cpu_ms']} |"
            )
    ratios = [
        results[(u, "current")]["worker_cpu_ms_per_request"]
        / results[(u, "peer")]["worker_cpu_ms_per_request"]
        for u in levels
        if results[(u, "peer")]["worker_cpu_ms_per_request"]
    ]
    lines.append("")
    lines.append(
        "Worker CPU per request, this tree / peer: "
        + ", ".join(f"{u} users {r:.2f}" for u, r in zip(levels, ratios, strict=False))
        + " (target at most 0.33)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", default="10,50", help="comma-separated numbers of users")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--peer-commit", default=PEER_COMMIT)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pingji_load")
    parser.add_argument("--scale", default="0.0005", help="demo --scale of both sides")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (1: sync workers)"
    )
    args = parser.parse_args()
    levels = [int(n) for n in args.users.split(",") if n.strip()]

    peer_root = Path(tempfile.mkdtemp(prefix="pingji-load-peer-")) / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(peer_root), args.peer_commit],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    sides = {
        "current": Side("current", ROOT, f"{args.database_url}_current"),
        "peer": Side("peer", peer_root, f"{args.database_url}_peer"),
    }
    results: dict[tuple[int, str], dict] = {}
    try:
        for side in sides.values():
            prepare(side, args.scale)
        for i, users in enumerate(levels):  # alternate which side goes first: drift falls on both
            order = ("current", "peer") if i % 2 == 0 else ("peer", "current")
            for name in order:
                results[(users, name)] = measure(
                    sides[name], users, args.seconds, args.workers, args.threads
                )
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(peer_root)], cwd=ROOT, capture_output=True
        )
    print(table(levels, results, args.peer_commit))
    print(
        f"\n{os.cpu_count()} CPUs, {args.workers} workers of {args.threads} thread(s), "
        f"{args.seconds:g} s per run, "
        f"demo scale {args.scale}, load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
