"""Helpers of the benchmark scripts: a throw-away data dir, Django set-up, one JSON line out.

Each script prints exactly one JSON line of figures with the machine it ran on, so BENCHMARKS.md
can quote it with its peer measured in the same run.
"""

import datetime
import json
import os
import platform
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_data_dir(prefix: str) -> str:
    """A new empty directory for PINGJI_DATA_DIR (kept under the system temp dir)."""
    return tempfile.mkdtemp(prefix=f"pingji-bench-{prefix}-")


def embedded_env(data_dir: str) -> dict[str, str]:
    """The environment of a ``pingji`` process on the embedded default (SQLite) in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PINGJI_DATA_DIR"] = data_dir
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def setup_django(data_dir: str) -> None:
    os.environ["PINGJI_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingji.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(bench: str, figures: dict) -> None:
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "date": datetime.date.today().isoformat(),
    }
    print(json.dumps({"bench": bench, **figures, "machine": machine}, ensure_ascii=False))
