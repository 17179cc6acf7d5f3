"""How long ``pingji demo --no-serve`` takes on a fresh data dir, and to reuse it.

Peer, measured in the same run: ``pingji migrate`` alone on another empty data dir (the part of
the demo every installation pays anyway). Usage: ``python bench/demo.py [--scale S]``.
Each figure is wall time and the CPU time (user + system) of the process: on a shared machine
the CPU time is the fairer one.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time

from _common import embedded_env, emit, fresh_data_dir


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], data_dir: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one ``pingji`` command."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "pingji.cli", *args],
        env=embedded_env(data_dir),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"pingji {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    wall = round(time.perf_counter() - started, 2)
    return wall, round(_children_cpu() - cpu, 2), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default=None, help="demo --scale (default: the demo's own)")
    args = parser.parse_args()
    scale = ["--scale", args.scale] if args.scale else []
    peer_dir, demo_dir = fresh_data_dir("migrate"), fresh_data_dir("demo")
    try:
        migrate_s, migrate_cpu_s, _ = timed(["migrate", "-v0"], peer_dir)
        first_s, first_cpu_s, out = timed(["demo", "--no-serve", *scale], demo_dir)
        second_s, _cpu, again = timed(["demo", "--no-serve", *scale], demo_dir)
    finally:
        shutil.rmtree(peer_dir, ignore_errors=True)
        shutil.rmtree(demo_dir, ignore_errors=True)
    steps = {  # the demo's "  <step> (<seconds> s)" lines
        label.strip(): float(rest.split(" s)")[0])
        for label, _, rest in (line.partition(" (") for line in out.splitlines())
        if label.startswith("  ") and " s)" in rest
    }
    emit(
        "demo",
        {
            "scale": args.scale or "default",
            "demo_first_run_s": first_s,
            "demo_first_run_cpu_s": first_cpu_s,
            "demo_second_run_s": second_s,
            "peer_migrate_only_s": migrate_s,
            "peer_migrate_only_cpu_s": migrate_cpu_s,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "steps_s": steps,
            "reused": "Reusing" in again,
        },
    )


if __name__ == "__main__":
    main()
