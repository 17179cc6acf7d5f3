"""The ``checkins`` dataset of the analytic store: its one writer, and the check-in search over it.

The search itself — the SQL both engines run, the tier rule, which days a visit can touch, the
layout the files are written in — is computation in ``epi.overlap``, which stays free of Django so
that it can be tested and reused without a project around it. What needs the project is here: the
dataset's place under ``settings.ANALYTIC_DIR`` (``core.lake``), which of its files a search reads,
and the DuckDB connection with the ``unix_seconds`` macro the shared SQL relies on. The importer
(``tracing.checkins``), the search job and command, the demo and the benchmarks all go through
this module, so the files are always laid out the way the search expects.
"""

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from pingji.core import lake
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
