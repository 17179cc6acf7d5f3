"""The ``checkins`` dataset of the analytic store: its one writer, and the check-in search over it.

The search itself — the SQL both engines run, the tier rule, which days a visit can touch, the
layout the files are written in — is computation in ``epi.overlap``, which stays free of Django so
that it can be tested and reused without a project around it. What needs the project is here: the
dataset's place under ``settings.ANALYTIC_DIR`` (``core.lake``), which of its files a search reads,
and the DuckDB connection with the ``unix_seconds`` macro the shared SQL relies on. The importer
(``tracing.checkins``), the search job and command, the demo and the benchmarks all go through
this module, so the files are always laid out the way the search expects.
"""

import contextlib
import datetime
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings

from pingji.core import clock, lake
from pingji.epi import overlap
from pingji.epi.overlap import DEFAULT_CLOSE_MINUTES, Visit

DATASET = "checkins"


def store(stays: pa.Table | duckdb.DuckDBPyRelation, *, key: str | None = None) -> list[Path]:
    """Append ``stays`` to the dataset in the layout the search relies on (``overlap.laid_out``).

    ``stays`` (an Arrow table, or a DuckDB relation so that an import writes without another
    copy) has ``id_hash`` and ``phone_hash`` (lower-case hex of the keyed look-up hash, or null),
    ``venue``, ``check_in`` and ``check_out``; the files of the import are returned. ``key`` names
    the import (the importer's: the file's content hash); without one the laid-out rows are their
    own key. Either way an import already stored is not stored again (``core.lake``).
    """
    if isinstance(stays, duckdb.DuckDBPyRelation):
        return lake.append(DATASET, overlap.laid_out(stays), key=key)
    con = lake.connect()
    try:
        return lake.append(DATASET, overlap.laid_out(con.from_arrow(stays)), key=key)
    finally:
        con.close()


def search(
    visits: Sequence[Visit],
    *,
    close_minutes: float = DEFAULT_CLOSE_MINUTES,
    engine: str = "duckdb",
    spark=None,
) -> pa.Table:
    """Proposed contacts of ``visits`` (columns ``overlap.COLUMNS``), on DuckDB or on Spark,
    reading only the day partitions the visits can touch."""
    overlap.check_visits(visits)
    paths = lake.files(DATASET, overlap.days_to_read(visits)) if visits else []
    if not paths:
        return overlap.empty()
    if engine == "duckdb":
        con = lake.connect()
        try:
            lake.scan(con, DATASET, paths, "checkins")
            return overlap.on_duckdb(con, visits, close_minutes)
        finally:
            con.close()
    if engine == "spark":
        return overlap.on_spark(spark, lake.dataset_dir(DATASET), paths, visits, close_minutes)
    raise ValueError(f"unknown engine {engine!r}: 'duckdb' or 'spark'")


def recorded_by(
    at: datetime.datetime, days: Iterable[datetime.date]
) -> tuple[list[Path], list[Path]]:
    """The files of ``days`` that imports complete by ``at`` (the platform's time) had listed, and
    apart, the files the lake cannot date; nothing is created when the dataset does not exist.

    An as-of reader (decision 0030) must not see an import received later. The manifest stamps
    each import with the server's time (``written_at``, ``clock.real_now``, which an instance's
    clock does not move), so ``at`` is turned into server time with the instance's offset now:
    the same as at writing unless the instance's clock was set in between. A dataset written
    before manifests, its ``legacy`` entry, or an entry without a stamp cannot say when its files
    came: those are returned apart, for the caller to judge by the check-in day alone.
    """
    root = Path(settings.ANALYTIC_DIR) / DATASET
    if not root.is_dir():
        return [], []
    days = set(days)
    if not (root / lake.MANIFEST).is_dir():
        return [], lake.files(DATASET, days)
    wanted = {f"day={day.isoformat()}" for day in days}
    cutoff = at - clock.offset()
    dated: set[str] = set()
    undated: set[str] = set()
    for path in (root / lake.MANIFEST).glob(f"*{lake.LISTED}"):
        with contextlib.suppress(FileNotFoundError):  # removed by an administrator meanwhile
            entry = json.loads(path.read_text(encoding="utf-8"))
            names = {n for n in entry["files"] if n.partition("/")[0] in wanted}
            stamp = entry.get("written_at")
            if entry["key"] == lake.LEGACY or not stamp:
                undated |= names
            elif datetime.datetime.fromisoformat(stamp) < cutoff:
                dated |= names
    return _present(root, dated), _present(root, undated)


def _present(root: Path, names: set[str]) -> list[Path]:
    return sorted(p for p in (root / name for name in names) if p.is_file())
