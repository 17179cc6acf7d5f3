"""A job kind for the fault tests: slow enough to be killed in the middle, idempotent, and
leaving a trace of every start, so a test can tell a re-delivery from a lost or doubled job."""

import os
import time
from pathlib import Path

from pingji.core.jobs import job


@job("faults.slow")
def slow(progress, *, seconds: str, out: str) -> dict:
    """Record a start, work ``seconds`` with progress, then write the one result file atomically
    (a re-run after a crash writes the same file again: idempotent)."""
    folder = Path(out)
    with open(folder / "starts.log", "a") as starts:
        starts.write(f"{os.getpid()}\n")
    steps = max(1, int(float(seconds) * 10))
    for step in range(1, steps + 1):
        time.sleep(0.1)
        progress(step, steps)
    staging = folder / f".result-{os.getpid()}"
    staging.write_text("done\n")
    os.replace(staging, folder / "result.txt")
    return {"steps": steps}
