"""Check-in search: everyone whose venue stay overlaps a case's visit, with the evidence.

A case visit is (venue, from, to) widened by a margin on both sides (the case's arrival and
departure times are recalled, not scanned). Every check-in at the same venue whose stay overlaps
the widened window is a proposed contact, one row per (visit, check-in) with the overlap's start,
end and length; a person who stayed twice shows twice, because each stay is evidence.

Tier rule (parameters, so a ``Protocol`` version sets them): an overlap longer than
``close_minutes`` at the same venue proposes a close contact (密接), a shorter one a
spatiotemporal companion (时空伴随) for checking. No protocol publishes a venue-overlap duration;
the default 10 minutes is the one duration published for companions (the same 800 m × 800 m
cell for more than 10 minutes, local practice 2021–22, ``spatiotemporal_companion`` in
``pingji/protocols/data``) — a venue is far smaller
than a cell, so the same 10 minutes at the same venue is read as close. Margin defaults to 0.

The query is written once in SQL that DuckDB and Spark SQL both accept (``unix_seconds`` is a
Spark built-in and a DuckDB macro from ``lake.connect``), so the embedded default and a cluster
give the same rows. Only the day partitions a visit can touch are read: a stay is refused at
import when longer than ``MAX_STAY``, so a stay overlapping a window starts at most that long
before it.

Layout (``laid_out``, what the dataset's one writer stores): look-up hashes are kept as their 32
raw bytes, not 64 hex characters, and every file is sorted by venue, then check-in. Most of a
search's time is decoding the columns of the stays at the visited venues; with the stays of one
venue side by side, whole vectors of other venues are dropped by the join's filter before their
hashes are decoded, and raw hashes are half the bytes to decode. On 100 M check-ins that halved the
search's CPU time (BENCHMARKS.md). Results come back unordered: ordering two million candidate
stays cost a third of the query, and a reader wants them grouped by person anyway
(``tracing.actions.proposals``).

This module is the computation only: it is handed a DuckDB connection or a Spark session and the
files to read, and knows nothing of where the analytic store keeps them, so that epi stays free
of Django. The dataset itself — its name, its directory, its writer, which files a search
reads — is ``tracing.checkin_store``'s.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

#: The longest stay the import accepts (a longer one is a missed check-out scan). It is what lets
#: a search read only the day partitions next to a visit (``days_to_read``); a bound of the store,
#: not a protocol figure.
MAX_STAY = datetime.timedelta(hours=24)
DEFAULT_CLOSE_MINUTES = 10.0
COLUMNS = [
    "visit_id",
    "venue",
    "id_hash",
    "phone_hash",
    "check_in",
    "check_out",
    "overlap_start",
    "overlap_end",
    "overlap_minutes",
    "tier",
]

SEARCH_SQL = """
SELECT v.visit_id, c.venue, lower(hex(c.id_hash)) AS id_hash,
       lower(hex(c.phone_hash)) AS phone_hash, c.check_in, c.check_out,
       GREATEST(c.check_in, v.win_start) AS overlap_start,
       LEAST(c.check_out, v.win_end) AS overlap_end,
       (unix_seconds(LEAST(c.check_out, v.win_end))
        - unix_seconds(GREATEST(c.check_in, v.win_start))) / CAST(60 AS DOUBLE) AS overlap_minutes,
       CASE WHEN unix_seconds(LEAST(c.check_out, v.win_end))
                 - unix_seconds(GREATEST(c.check_in, v.win_start)) > {close_seconds}
            THEN 'close' ELSE 'companion' END AS tier
FROM visits v
JOIN checkins c
  ON c.venue = v.venue AND c.check_in < v.win_end AND c.check_out > v.win_start
"""

#: The stored layout (``laid_out``): columns and file order, also used by bench/checkins.py.
STORE_COLUMNS = (
    "unhex(id_hash) AS id_hash, unhex(phone_hash) AS phone_hash, venue, check_in, check_out, "
    "CAST(check_in AS DATE) AS day"
)
STORE_ORDER = "venue, check_in"


@dataclass(frozen=True)
class Visit:
    """A case's stay at a venue (local wall-clock times, like the check-in logs)."""

    visit_id: str
    venue: str
    start: datetime.datetime
    end: datetime.datetime
    margin_minutes: float = 0.0

    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        margin = datetime.timedelta(minutes=self.margin_minutes)
        return self.start - margin, self.end + margin


def days_to_read(visits: Sequence[Visit]) -> set[datetime.date]:
    """Check-in days whose stays can overlap some visit's window."""
    days: set[datetime.date] = set()
    for visit in visits:
        start, end = visit.window()
        day = (start - MAX_STAY).date()
        while day <= end.date():
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


def check_visits(visits: Sequence[Visit]) -> None:
    """Refuse a visit that ends before it starts (``ValueError``), before anything is read."""
    for visit in visits:
        if visit.end < visit.start:
            raise ValueError(f"visit {visit.visit_id}: 'to' is before 'from'")


def laid_out(stays: duckdb.DuckDBPyRelation) -> pa.Table:
    """``stays`` (``id_hash`` and ``phone_hash`` as lower-case hex or null, ``venue``,
    ``check_in``, ``check_out``) in the layout the search relies on (module docstring), with the
    ``day`` column the store partitions by."""
    return stays.project(STORE_COLUMNS).order(STORE_ORDER).to_arrow_table()


def for_reading(found: pa.Table) -> pa.Table:
    """``found`` in the order a person reads it: by visit, the longest overlap first."""
    if not found.num_rows:
        return found
    return found.sort_by(
        [
            ("visit_id", "ascending"),
            ("overlap_minutes", "descending"),
            ("check_in", "ascending"),
            ("id_hash", "ascending"),
            ("phone_hash", "ascending"),
        ]
    )


def empty() -> pa.Table:
    """The result of a search that found nothing (or had nothing to read)."""
    return pa.table({name: [] for name in COLUMNS})


def visits_table(visits: Sequence[Visit]) -> pa.Table:
    """The visits with their widened windows, as the search's ``visits`` relation."""
    windows = [v.window() for v in visits]
    return pa.table(
        {
            "visit_id": pa.array([v.visit_id for v in visits], pa.string()),
            "venue": pa.array([v.venue for v in visits], pa.string()),
            "win_start": pa.array([w[0] for w in windows], pa.timestamp("us")),
            "win_end": pa.array([w[1] for w in windows], pa.timestamp("us")),
        }
    )


def search_sql(close_minutes: float = DEFAULT_CLOSE_MINUTES) -> str:
    """The search's SQL with the tier rule's threshold in it."""
    return SEARCH_SQL.format(close_seconds=float(close_minutes) * 60)


def on_duckdb(
    con: duckdb.DuckDBPyConnection,
    visits: Sequence[Visit],
    close_minutes: float = DEFAULT_CLOSE_MINUTES,
) -> pa.Table:
    """Proposed contacts of ``visits`` (columns ``COLUMNS``) on a DuckDB connection that already
    has the stays to search as the view ``checkins`` and the ``unix_seconds`` macro."""
    check_visits(visits)
    con.register("visits", visits_table(visits))
    return con.sql(search_sql(close_minutes)).to_arrow_table()


def on_spark(
    spark,
    base: Path,
    paths: Sequence[Path],
    visits: Sequence[Visit],
    close_minutes: float = DEFAULT_CLOSE_MINUTES,
) -> pa.Table:
    """The same SQL on a Spark session (local or cluster) over the same files: ``paths`` of the
    hive-partitioned dataset under ``base``. A session is started locally when none is given."""
    check_visits(visits)
    if spark is None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.master("local[2]").appName("pingji-overlap").getOrCreate()
    (
        spark.read.option("basePath", str(base))
        .parquet(*[str(p) for p in paths])
        .createOrReplaceTempView("checkins")
    )
    spark.createDataFrame(
        visits_table(visits).to_pylist(),
        "visit_id string, venue string, win_start timestamp_ntz, win_end timestamp_ntz",
    ).createOrReplaceTempView("visits")
    rows = [row.asDict() for row in spark.sql(search_sql(close_minutes)).collect()]
    return pa.Table.from_pylist(rows) if rows else empty()
