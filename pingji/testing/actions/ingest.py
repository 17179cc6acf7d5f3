"""Sampling and results files into the analytic store, checked whole before anything is written.

The datasets are ``store``'s (``core.lake``: Parquet by day, read by DuckDB): ``testing_samples``
gets one row per person in a tube from sampling points' files, ``testing_results`` one row per
tube from laboratories' files. Every stored row carries its ``upload_id``; readers take only rows
of *applied* uploads (the ORM ``Upload`` row is the truth of that). A file is validated completely
first — the per-row report follows the check-in importer (``tracing.checkins``: row numbers as a
spreadsheet shows them, CSV UTF-8 or GBK, or Parquet) — then appended in one step, as one import
of the lake keyed by the file's content hash and its upload (``lake_key``), so a job delivered
again stores it once; if the ORM side then fails, its rows stay unreferenced and are never read.
So a file is applied whole or not at all, and once.

Each file goes through the column pass first (``ingest_columns``): a plainly clean CSV file — the
usual case — is settled there in whole columns and written. At any doubt the row pass here decides:
every rule of ``ingest_rules`` asked of every row in SQL, with the report (row, field, reason) of
what fails; it alone refuses. Both passes are built from the same rules (``ingest_rules``).

Times in files are local wall-clock times (Asia/Shanghai), stored as such, as check-ins are.
This module needs no ORM: the Django side (``uploads``, ``jobs``) passes ids and settings in, and
the benchmark drives the same functions at city scale.
"""

import hashlib
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _

from pingji.core import lake
from pingji.core.crypto import lookup_hash
from pingji.core.importing import (
    MAX_REPORTED,
    ImportReport,
    Refused,
    RowError,
    line_of,
    reader_error,
    redact,
    utf8_copy,
)

from ..store import RESULTS, SAMPLES, TARGETS, view
from . import ingest_columns
from .ingest_rules import (
    RESULT_FILE,
    RESULT_RULES,
    RESULT_WORDS,
    SAMPLING,
    SAMPLING_RULES,
    Doubt,
    Layout,
    Rules,
    barcode_sql,
    header_map,
    id_number_sql,
    missing_column,
    result_reasons,
    result_sql,
    rules_sql,
    sampling_reasons,
    text_sql,
    time_sql,
)

__all__ = ["ImportReport", "RowError", "ingest_results", "ingest_sampling"]

ROWNUM = "\0rownum"


def ingest_sampling(path, rules: Rules) -> ImportReport:
    """Check a sampling file against the round, then append it to ``testing_samples``."""
    return _run(path, lambda con, p, tmp, t0: _columns_first(con, p, tmp, t0, rules, SAMPLING))


def ingest_results(path, rules: Rules) -> ImportReport:
    """Check a laboratory results file against the round's tubes, then append it."""
    return _run(path, lambda con, p, tmp, t0: _columns_first(con, p, tmp, t0, rules, RESULT_FILE))


def _run(path, body) -> ImportReport:
    started = time.perf_counter()
    con = lake.connect()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                return body(con, Path(path), Path(tmp), started)
            except Refused as refused:
                return ImportReport(errors=[refused.error], error_count=1)
    finally:
        con.close()


def _columns_first(con, path, tmp, started, rules: Rules, layout: Layout) -> ImportReport:
    """Write the file's rows if the column pass settles every rule, else run the row pass."""
    sampling = layout is SAMPLING
    clean = ingest_columns.clean_sampling if sampling else ingest_columns.clean_results
    try:
        table = clean(con, path, rules)
    except Doubt:
        checked = _checked_sampling if sampling else _checked_results
        return checked(con, path, tmp, started, rules)
    return _write(layout.dataset, table, path, rules, started)


def _write(name: str, table: pa.Table, path: Path, rules: Rules, started: float) -> ImportReport:
    """Append the checked rows as the upload's one import (``lake_key``): a job delivered again
    after a crash finds them stored, or stores them whole (docs/decisions/0039)."""
    written = lake.append(name, table, key=lake_key(path, rules))
    return ImportReport(rows=table.num_rows, files=written, seconds=time.perf_counter() - started)


def lake_key(path: Path, rules: Rules) -> str:
    """The import key of a file's rows: its content hash, with the round and upload the rows
    carry (the same file posted again after a failure is a new upload, stored anew)."""
    digest = rules.sha256
    if not digest:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return f"testing:{rules.round_id}:{rules.upload_id}:{digest}"


def _stage(con, path: Path, tmp: Path, layout: Layout) -> tuple[dict, dict]:
    """Load the file into ``file``; the header map and the column types.

    ``types[ROWNUM]`` is the expression of a row's number as a spreadsheet shows it.
    """
    if not path.is_file():
        raise Refused(RowError(0, "", _("no such file: %(p)s") % {"p": path}))
    if path.suffix.lower() == ".parquet":
        source = f"read_parquet('{path}', file_row_number = true)"
        rownum = "file_row_number + 1"
    else:
        source = (
            f"read_csv('{utf8_copy(path, tmp)}', header = true, all_varchar = true, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false)"
        )
        rownum = "rowid + 2"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        con.execute(f"CREATE TEMP TABLE file AS SELECT * FROM {source}")
    except duckdb.Error as exc:
        line = line_of(str(exc))
        raise Refused(
            RowError(line, "", _("not a readable file: %(e)s") % {"e": reader_error(exc)})
        ) from exc
    types = {n: k for n, k, *_rest in described}
    types[ROWNUM] = rownum
    columns = header_map([n for n in types if n != "file_row_number"])
    missing = [f for f in layout.needed if f not in columns]
    if layout.one_of and not any(f in columns for f in layout.one_of):
        missing.append(layout.one_of[0])
    if missing:
        raise Refused(RowError(1, missing[0], missing_column(missing[0])))
    return columns, types


def _report(con, checks: str, reasons: dict[str, str]) -> tuple[list[RowError], int]:
    con.execute(f"CREATE TEMP TABLE problems AS {checks}")
    count = con.execute("SELECT count(*) FROM problems").fetchone()[0]
    rows = con.execute(
        f"SELECT rownum, field, code, detail FROM problems ORDER BY rownum, field, code "
        f"LIMIT {MAX_REPORTED}"
    ).fetchall()
    return [RowError(int(r), f, reasons[c] % {"v": redact(d)}) for r, f, c, d in rows], count


def _checked_sampling(con, path: Path, tmp: Path, started: float, rules: Rules) -> ImportReport:
    """Every sampling rule in SQL, with the per-row report (row, field, reason) of what fails."""
    cols, types = _stage(con, path, tmp, SAMPLING)
    _stage_sampling_rows(con, cols, types, rules)
    _group_sampling_rows(con, rules)
    errors, count = _report(con, rules_sql(SAMPLING_RULES, rules), sampling_reasons(rules))
    if count:
        return ImportReport(errors=errors, error_count=count)
    table = con.sql(
        f"SELECT CAST({rules.round_id} AS BIGINT) AS round_id, "
        f"CAST({rules.upload_id} AS BIGINT) AS upload_id, barcode, pid AS person_id, grid, "
        "place_id, household_id, TRY_CAST(point_raw AS BIGINT) AS point_id, sampled AS sampled_at, "
        "CAST(sampled AS DATE) AS day FROM rows"
    ).to_arrow_table()
    return _write(SAMPLES, table, path, rules, started)


def _stage_sampling_rows(con, cols: dict, types: dict, rules: Rules) -> None:
    """``rows``: each row's cells read as the rules read them, with the target it names.

    A row names its resident by person number or by identity number, whose keyed hash is looked up
    among the round's frozen targets; either way ``pid`` is the target found, or NULL.
    """
    view(con, TARGETS, "targets")
    con.execute(
        f"CREATE TEMP TABLE targets_r AS SELECT * FROM targets WHERE round_id = {rules.round_id}"
    )
    con.execute(
        f"CREATE TEMP VIEW raw AS SELECT {types[ROWNUM]} AS rownum, "
        f"{barcode_sql(cols)} AS barcode, {text_sql(cols, 'person')} AS person_raw, "
        f"{id_number_sql(cols)} AS id, "
        f"{text_sql(cols, 'sampled_at')} AS sampled_raw, "
        f"{time_sql(cols, types, 'sampled_at')} AS sampled, "
        f"{text_sql(cols, 'point')} AS point_raw FROM file"
    )
    ids = [r[0] for r in con.execute("SELECT DISTINCT id FROM raw WHERE id IS NOT NULL").fetchall()]
    con.register("idmap", pa.table({"id": ids, "h": [lookup_hash(v) for v in ids]}))
    con.register("points", pa.table({"id": pa.array(sorted(rules.points), pa.int64())}))
    by_hash = (
        "LEFT JOIN idmap m ON m.id = r.id LEFT JOIN targets_r h ON h.id_hash = m.h " if ids else ""
    )
    con.execute(
        "CREATE TEMP TABLE rows AS SELECT r.*, t.person_id AS pid, t.grid, t.place_id, "
        f"t.household_id FROM raw r {by_hash}LEFT JOIN targets_r t ON t.person_id = "
        f"COALESCE(TRY_CAST(r.person_raw AS BIGINT){', h.person_id' if ids else ''})"
    )


def _group_sampling_rows(con, rules: Rules) -> None:
    """The groupings the rules across rows read: (tube, person) pairs, people in two tubes, tubes
    too big or mixed, and what earlier applied files already took this round.

    One hash aggregate per (tube, person), then per person and per tube: no sorts. A tube whose
    only result is "invalid" is resampled, so its people may be sampled again.
    """
    view(con, SAMPLES, "samples", rules.applied)
    view(con, RESULTS, "results", rules.applied)
    con.execute(
        "CREATE TEMP TABLE pairs AS SELECT barcode, pid, min(rownum) AS first, count(*) AS n, "
        "any_value(household_id) AS household_id FROM rows WHERE barcode IS NOT NULL "
        "GROUP BY barcode, pid"
    )
    con.execute(
        "CREATE TEMP TABLE per_pid AS SELECT pid, arg_min(barcode, first) AS first_barcode "
        "FROM pairs WHERE pid IS NOT NULL GROUP BY pid HAVING min(barcode) <> max(barcode)"
    )
    con.execute(
        "CREATE TEMP TABLE per_tube AS SELECT barcode, count(*) AS n, "
        "min(household_id) <> max(household_id) AS mixed FROM pairs GROUP BY barcode "
        f"HAVING count(*) > {rules.max_per_tube} OR min(household_id) <> max(household_id)"
    )
    con.execute(
        "CREATE TEMP TABLE taken AS SELECT s.person_id, s.barcode FROM samples s "
        f"WHERE s.round_id = {rules.round_id} AND s.barcode NOT IN "
        "(SELECT barcode FROM results GROUP BY barcode HAVING bool_and(result = 'invalid'))"
    )


def _checked_results(con, path: Path, tmp: Path, started: float, rules: Rules) -> ImportReport:
    """Every results rule in SQL, with the per-row report of what fails."""
    cols, types = _stage(con, path, tmp, RESULT_FILE)
    view(con, SAMPLES, "samples", rules.applied)
    view(con, RESULTS, "results", rules.applied)
    con.execute(
        f"CREATE TEMP TABLE tubes AS SELECT DISTINCT barcode FROM samples "
        f"WHERE round_id = {rules.round_id}"
    )
    words = pa.table({"w_word": list(RESULT_WORDS), "w_result": list(RESULT_WORDS.values())})
    con.register("words", words)
    con.execute(
        f"CREATE TEMP TABLE rows AS SELECT {types[ROWNUM]} AS rownum, "
        f"{barcode_sql(cols)} AS barcode, "
        f"{text_sql(cols, 'result')} AS result_raw, w.w_result AS result, "
        f"{text_sql(cols, 'resulted_at')} AS at_raw, "
        f"{time_sql(cols, types, 'resulted_at')} AS res_at, "
        f"{text_sql(cols, 'lab')} AS lab FROM file f "
        f"LEFT JOIN words w ON w.w_word = {result_sql(cols)}"
    )
    errors, count = _report(con, rules_sql(RESULT_RULES, rules), result_reasons())
    if count:
        return ImportReport(errors=errors, error_count=count)
    table = con.sql(
        f"SELECT CAST({rules.round_id} AS BIGINT) AS round_id, "
        f"CAST({rules.upload_id} AS BIGINT) AS upload_id, barcode, result, lab, "
        "res_at AS resulted_at, "
        "CAST(res_at AS DATE) AS day FROM rows"
    ).to_arrow_table()
    return _write(RESULTS, table, path, rules, started)
