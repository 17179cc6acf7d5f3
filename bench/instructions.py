"""Instructions per request of the load mix, this tree against the peer: the CPU budget's ratio
without the machine's noise.

``load.py`` measures worker CPU per request under gunicorn, but on this shared machine one run
differs from the next by up to a quarter on both sides. The instructions a request executes do
not depend on what else the machine runs. So each side (``load.py``'s demo database and data dir,
prepared by it) answers the same requests in one process under Valgrind's callgrind, which counts
the instructions of the requests alone (collection is switched on around them). Each side logs in
as the demo's operator of the outbreak's county, opens every page and API list of ``load.MIX``
twice (imports, templates and caches warm), then the mix once, each path as often as its weight.
The two sides run at the same time, one per core. A Redis cache of each side's own, as under
gunicorn (``load.CACHE_DBS``), emptied before the side starts: what a side keeps for minutes (a
situation is kept ten) is then made in its warm-up, and none of it expires among the counted
requests, where one rebuild would add a sixth to the count.
Usage: ``python bench/instructions.py [--peer-commit bb38e9c]`` (needs ``valgrind``; about five
minutes), after ``python bench/load.py`` has prepared both sides' databases.
"""

import argparse
import ctypes
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT
from load import CACHE_DBS, CACHE_URL, DEMO_OTP_KEY, DEMO_PASSWORD, MIX, PEER_COMMIT, totp

USER, COUNTY = "350322-operator", "350322"


def child() -> None:
    """Inside Valgrind, in the side's tree: log in, warm up, then the counted requests."""
    import django

    django.setup()
    from django.test import Client

    client = Client()
    assert client.post("/login/", {"username": USER, "password": DEMO_PASSWORD}).status_code == 302
    if client.get("/login/otp/").status_code == 200:
        for _attempt in range(3):
            code = client.post("/login/otp/", {"otp_token": totp(DEMO_OTP_KEY, time.time())})
            if code.status_code == 302:
                break
            time.sleep(30.5 - time.time() % 30)
    paths = [path.format(county=COUNTY) for weight, path in MIX for _ in range(weight)]
    for path in sorted(set(paths)) * 2:
        assert client.get(path).status_code == 200, path
    counted = []

    def requests(_a, _b) -> int:  # called once by qsort, whose calls callgrind counts
        if not counted:
            counted.append(sum(client.get(path).status_code == 200 for path in paths))
        return 0

    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True)
    compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(requests)
    ctypes.CDLL(None).qsort((ctypes.c_int * 2)(1, 2), 2, ctypes.sizeof(ctypes.c_int), compare)
    print(f"requests {counted[0]} of {len(paths)}")


def side_env(root: Path, name: str, database_url: str) -> dict:
    """The environment ``load.prepare`` gave the side: its database, data dir and key."""
    data_dir = Path(tempfile.gettempdir()) / f"pingji-load-{database_url.rsplit('/', 1)[1]}"
    if not (data_dir / "scale").exists():
        raise SystemExit(f"{name}: run bench/load.py first to prepare {data_dir}")
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PINGJI_DATA_DIR": str(data_dir),
        "PINGJI_FIELD_KEY": (data_dir / "load_field_key").read_text(),
        "PINGJI_CACHE_URL": f"{CACHE_URL}/{CACHE_DBS[name]}",
        "PINGJI_DEBUG": "0",
        "PINGJI_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "pingji.settings",
        "PYTHONPATH": os.pathsep.join([str(root), str(ROOT / "bench")]),
    }


def start(root: Path, env: dict, out: Path) -> subprocess.Popen:
    import redis

    redis.Redis.from_url(env["PINGJI_CACHE_URL"]).flushdb()
    return subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no"]
        + ["--toggle-collect=*qsort*", f"--callgrind-out-file={out}"]
        + [sys.executable, str(Path(__file__).resolve()), "--child"],
        env=env,
        cwd=root,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def per_request(log: str, name: str) -> float:
    """Millions of instructions per request from the child's output and callgrind's total."""
    done = re.search(r"requests (\d+) of (\d+)", log)
    total = re.search(r"Collected : (\d+)", log)
    if not done or not total or done.group(1) != done.group(2):
        raise SystemExit(f"{name} failed:\n{log[-3000:]}")
    return int(total.group(1)) / int(done.group(1)) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--peer-commit", default=PEER_COMMIT)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pingji_load")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pingji-instructions-"))
    peer_root = work / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(peer_root), args.peer_commit],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        roots = {"current": ROOT, "peer": peer_root}
        runs = {
            name: start(root, side_env(root, name, f"{args.database_url}_{name}"), work / name)
            for name, root in roots.items()
        }
        figures = {name: per_request(run.communicate()[0], name) for name, run in runs.items()}
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(peer_root)], cwd=ROOT, capture_output=True
        )
    ratio = figures["current"] / figures["peer"]
    print("| side | million instructions per request |\n|---|---|")
    print(f"| this tree | {figures['current']:.1f} |")
    print(f"| {args.peer_commit} | {figures['peer']:.1f} |")
    print(f"\nInstructions per request, this tree / peer: {ratio:.3f} (target at most 0.33)")
    load = os.getloadavg()[0]
    print(f"{sum(w for w, _ in MIX)} requests of the mix a side, load average {load:.2f}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
