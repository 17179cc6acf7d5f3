"""The testing datasets of the analytic store (DuckDB over Parquet) and the questions asked of them.

Coverage per grid and compound, the residents not yet sampled, the members of positive tubes,
sampling progress by hour, and the screening of a set of residents in a time window (the lifting
evidence of ``evidence.resident_screen``). Like ``actions.ingest`` it needs no ORM: callers pass
the ids of applied uploads, which is what makes an upload that never committed invisible.

"Tested" means sampled in a tube that has a result other than ``invalid`` (an invalid tube is
resampled); "sampled" counts everyone in a tube, result or not.
"""

import datetime

import pyarrow as pa
import pyarrow.compute as pc

from pingji.core import lake

#: The three datasets (``core.lake``: Parquet by day): the residents a round must test, frozen
#: when it opens; one row per person in a tube, from sampling files; one row per tube, from
#: laboratories' files. Every stored sample and result row carries its ``upload_id``.
TARGETS, SAMPLES, RESULTS = "testing_targets", "testing_samples", "testing_results"
SCHEMAS = {
    TARGETS: "round_id BIGINT, person_id BIGINT, grid VARCHAR, place_id BIGINT, "
    "household_id BIGINT, id_hash VARCHAR, day DATE",
    SAMPLES: "round_id BIGINT, upload_id BIGINT, barcode VARCHAR, person_id BIGINT, grid VARCHAR, "
    "place_id BIGINT, household_id BIGINT, point_id BIGINT, sampled_at TIMESTAMP, day DATE",
    RESULTS: "round_id BIGINT, upload_id BIGINT, barcode VARCHAR, result VARCHAR, lab VARCHAR, "
    "resulted_at TIMESTAMP, day DATE",
}


def view(con, name: str, alias: str, applied: list[int] | None = None, days=None) -> None:
    """``alias`` = the rows of dataset ``name`` (only applied uploads' when given), maybe empty.

    Readers pass the ids of applied uploads: the ORM ``Upload`` row is the truth of which stored
    rows count, so the rows of a file whose ORM side never committed are never read.
    """
    paths = lake.files(name, days)
    if paths:
        lake.scan(con, name, paths, f"{alias}_all")
        source = f"{alias}_all"
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {alias}_all ({SCHEMAS[name]})")
        source = f"{alias}_all"
    where = ""
    if applied is not None:
        con.register(f"{alias}_ok", pa.table({"id": pa.array(applied or [], pa.int64())}))
        where = f" WHERE upload_id IN (SELECT id FROM {alias}_ok)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {alias} AS SELECT * FROM {source}{where}")


def open_round(round_id: int, applied: list[int], threads: int | None = None):
    """A connection with ``targets`` (of the round), ``samples`` and ``tubes`` (per barcode)."""
    con = lake.connect(threads)
    view(con, TARGETS, "targets_all")
    con.execute(
        f"CREATE TEMP VIEW targets AS SELECT * FROM targets_all WHERE round_id = {round_id}"
    )
    _samples_and_tubes(con, applied, f"round_id = {round_id}")
    return con


def _samples_and_tubes(con, applied: list[int], where: str, days=None) -> None:
    view(con, SAMPLES, "samples_any", applied, days)
    view(con, RESULTS, "results_any", applied)
    con.execute(
        "CREATE TEMP TABLE samples AS SELECT round_id, barcode, person_id, grid, sampled_at "
        f"FROM samples_any WHERE {where}"
    )
    con.execute(
        "CREATE TEMP TABLE tubes AS SELECT barcode, "
        "bool_or(result = 'positive') AS positive, bool_and(result = 'invalid') AS invalid, "
        "min(resulted_at) AS resulted_at FROM results_any "
        "WHERE barcode IN (SELECT barcode FROM samples) GROUP BY barcode"
    )


def snapshot_targets(round_id: int, day: datetime.date, rows: dict[str, list]) -> int:
    """Freeze a round's target residents (columns person_id, grid, place_id, household_id,
    id_hash); written once, when the round opens."""
    n = len(rows["person_id"])
    table = pa.table(
        {
            "round_id": pa.array([round_id] * n, pa.int64()),
            "person_id": pa.array(rows["person_id"], pa.int64()),
            "grid": pa.array(rows["grid"], pa.string()),
            "place_id": pa.array(rows["place_id"], pa.int64()),
            "household_id": pa.array(rows["household_id"], pa.int64()),
            "id_hash": pa.array(rows["id_hash"], pa.string()),
            "day": pa.array([day] * n, pa.date32()),
        }
    )
    lake.append(TARGETS, table)
    return n


COVERAGE_SQL = """
WITH s AS (
    SELECT s.person_id, bool_or(t.barcode IS NOT NULL AND NOT t.invalid) AS tested,
           bool_or(COALESCE(t.positive, false)) AS positive
    FROM samples s LEFT JOIN tubes t USING (barcode) GROUP BY s.person_id)
SELECT g.grid, g.place_id, count(*) AS target, count(s.person_id) AS sampled,
       count(*) FILTER (WHERE s.tested) AS resulted, count(*) FILTER (WHERE s.positive) AS positive
FROM targets g LEFT JOIN s USING (person_id)
GROUP BY g.grid, g.place_id ORDER BY g.grid, g.place_id
"""


def coverage(con) -> list[tuple]:
    """(grid, compound id or None, target, sampled, resulted, positive) per grid and compound."""
    return con.execute(COVERAGE_SQL).fetchall()


def untested(con, code: str, limit: int | None = None) -> list[tuple[int, int | None]]:
    """(person id, household id) of the round's residents under ``code`` not sampled yet.

    A person whose only tube came back invalid is listed again: they must be resampled.
    """
    sql = (
        "SELECT g.person_id, g.household_id FROM targets g WHERE starts_with(g.grid, $code) "
        "AND g.person_id NOT IN (SELECT s.person_id FROM samples s LEFT JOIN tubes t "
        "USING (barcode) WHERE NOT COALESCE(t.invalid, false)) "
        "ORDER BY g.grid, g.household_id, g.person_id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, {"code": code}).fetchall()


def tube_members(con, barcodes: list[str]) -> list[tuple]:
    """(barcode, person id, grid, sampled_at) of the given tubes, for follow-up lists."""
    con.register("wanted", pa.table({"barcode": pa.array(barcodes, pa.string())}))
    return con.execute(
        "SELECT barcode, person_id, grid, sampled_at FROM samples "
        "WHERE barcode IN (SELECT barcode FROM wanted) ORDER BY barcode, grid, person_id"
    ).fetchall()


def positive_tubes(con, upload_id: int) -> list[tuple]:
    """(barcode, resulted_at, size) of the tubes a results upload reported positive."""
    return con.execute(
        "SELECT r.barcode, r.resulted_at, (SELECT count(DISTINCT s.person_id) FROM samples s "
        "WHERE s.barcode = r.barcode) FROM results_any r "
        f"WHERE r.upload_id = {int(upload_id)} AND r.result = 'positive' ORDER BY r.barcode"
    ).fetchall()


def progress_by_hour(con) -> list[tuple[datetime.datetime, int]]:
    """Residents sampled per hour (local time), for the time-to-completion chart."""
    return con.execute(
        "SELECT date_trunc('hour', min_at) AS hour, count(*) FROM ("
        "SELECT person_id, min(sampled_at) AS min_at FROM samples "
        "WHERE person_id IN (SELECT person_id FROM targets) GROUP BY person_id) "
        "GROUP BY hour ORDER BY hour"
    ).fetchall()


def pool_counts(con) -> tuple[int, int, int]:
    """(tubes with a valid result, positive tubes, largest tube) of the round so far."""
    row = con.execute(
        "SELECT count(*) FILTER (WHERE NOT invalid), count(*) FILTER (WHERE positive), "
        "(SELECT max(n) FROM (SELECT count(*) AS n FROM samples GROUP BY barcode)) FROM tubes"
    ).fetchone()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 1)


def screens(asks: pa.Table, applied: list[int]) -> dict[int, tuple[int, int, int]]:
    """(tested, positive, rounds) per ask of ``asks`` (columns ask, person_id, start, end: the
    residents each ask is about and its window), in one pass over the samples.

    Times are local wall-clock (as stored). Only the day partitions the windows touch are read.
    """
    if asks.num_rows == 0:
        return {}
    first, last = pc.min(asks["start"]).as_py(), pc.max(asks["end"]).as_py()
    span = (last.date() - first.date()).days + 1
    days = [first.date() + datetime.timedelta(days=i) for i in range(span)]
    con = lake.connect()
    try:
        con.register("asks", asks)
        where = (
            f"sampled_at BETWEEN TIMESTAMP '{first.isoformat(sep=' ')}' "
            f"AND TIMESTAMP '{last.isoformat(sep=' ')}' "
            "AND person_id IN (SELECT person_id FROM asks)"
        )
        _samples_and_tubes(con, applied, where, days)
        rows = con.execute(
            "SELECT a.ask, count(DISTINCT s.person_id) FILTER (WHERE NOT t.invalid), "
            "count(DISTINCT s.person_id) FILTER (WHERE t.positive), count(DISTINCT s.round_id) "
            "FROM asks a JOIN samples s ON s.person_id = a.person_id "
            "AND s.sampled_at BETWEEN a.start AND a.end "
            "LEFT JOIN tubes t USING (barcode) GROUP BY a.ask"
        ).fetchall()
        return {ask: (int(t or 0), int(p or 0), int(r or 0)) for ask, t, p, r in rows}
    finally:
        con.close()
