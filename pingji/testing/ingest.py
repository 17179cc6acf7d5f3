"""Sampling and results files into the analytic store, checked whole before anything is written.

Three datasets (``core.lake``: Parquet by day, read by DuckDB):

- ``testing_targets`` — the residents a round must test, frozen when it opens (``round_id``,
  ``person_id``, ``grid``, ``place_id`` = compound, ``household_id``, ``id_hash``);
- ``testing_samples`` — one row per person in a tube (``barcode``, ``person_id``, ``grid``,
  ``place_id``, ``household_id``, ``point_id``, ``sampled_at``), from sampling points' files;
- ``testing_results`` — one row per tube (``barcode``, ``result``, ``lab``, ``resulted_at``),
  from laboratories' files.

Every stored row carries its ``upload_id``; readers take only rows of *applied* uploads (the ORM
``Upload`` row is the truth of that). A file is validated completely first — the per-row report
follows the check-in importer (``tracing.checkins``: row numbers as a spreadsheet shows them,
CSV UTF-8 or GBK, or Parquet) — then appended in one step; if the ORM side then fails, its rows
stay unreferenced and are never read. So a file is applied whole or not at all.

A plainly clean CSV file (the usual case) is checked in whole columns by ``fast`` first, with
tests never laxer than the SQL below; any doubt hands it to the SQL checks, which alone refuse
and report (issue 5's speed: ten million rows would otherwise take minutes).

Times in files are local wall-clock times (Asia/Shanghai), stored as such, as check-ins are.
This module needs no ORM: the Django side (``actions``, ``jobs``) passes ids and settings in, and
the benchmark drives the same functions at city scale.
"""

import datetime
import tempfile
import time
from dataclasses import dataclass, field
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

__all__ = ["RowError", "ImportReport", "Rules", "ingest_sampling", "ingest_results"]

TARGETS, SAMPLES, RESULTS = "testing_targets", "testing_samples", "testing_results"
ROWNUM = "\0rownum"
#: Tube barcodes as printed by the sampling systems of 2021–22: 6–32 letters and digits.
BARCODE = "[A-Z0-9]{6,32}"
TIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M"]
HEADERS = {
    "barcode": ["barcode", "tube", "试管编码", "试管条码", "条码"],
    "person": ["person", "person_id", "人员编号"],
    "id_number": ["id_number", "身份证号", "身份证号码", "证件号码"],
    "sampled_at": ["sampled_at", "采样时间"],
    "point": ["point", "sampling_point", "采样点"],
    "result": ["result", "检测结果", "结果"],
    "resulted_at": ["resulted_at", "检测时间", "报告时间"],
    "lab": ["lab", "检测机构", "实验室"],
}
RESULT_WORDS = {
    "negative": "negative",
    "neg": "negative",
    "阴性": "negative",
    "positive": "positive",
    "pos": "positive",
    "阳性": "positive",
    "invalid": "invalid",
    "无效": "invalid",
}
SCHEMAS = {
    TARGETS: "round_id BIGINT, person_id BIGINT, grid VARCHAR, place_id BIGINT, "
    "household_id BIGINT, id_hash VARCHAR, day DATE",
    SAMPLES: "round_id BIGINT, upload_id BIGINT, barcode VARCHAR, person_id BIGINT, grid VARCHAR, "
    "place_id BIGINT, household_id BIGINT, point_id BIGINT, sampled_at TIMESTAMP, day DATE",
    RESULTS: "round_id BIGINT, upload_id BIGINT, barcode VARCHAR, result VARCHAR, lab VARCHAR, "
    "resulted_at TIMESTAMP, day DATE",
}


@dataclass
class Rules:
    """What a file of one round is checked against (copied from the ORM by the caller)."""

    round_id: int
    upload_id: int
    starts_at: datetime.datetime  # local wall-clock
    max_per_tube: int  # 1 for single tubes; the protocol's largest ratio when pooled
    by_household: bool = False  # one tube per household (sealed areas)
    points: set[int] = field(default_factory=set)
    applied: list[int] = field(default_factory=list)  # every applied upload, all rounds


def view(con, name: str, alias: str, applied: list[int] | None = None, days=None) -> None:
    """``alias`` = the rows of dataset ``name`` (only applied uploads' when given), maybe empty."""
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


def _header_map(names: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in names:
        for target, aliases in HEADERS.items():
            if name.strip().lower() in aliases and target not in found:
                found[target] = name
    return found


def _stage(con, path: Path, tmp: Path, needed: tuple[str, ...], one_of=()) -> tuple[dict, dict]:
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
    columns = _header_map([n for n in types if n != "file_row_number"])
    missing = [f for f in needed if f not in columns]
    if one_of and not any(f in columns for f in one_of):
        missing.append(one_of[0])
    if missing:
        raise Refused(
            RowError(
                1,
                missing[0],
                _("missing column (accepted headers: %(h)s)")
                % {"h": ", ".join(HEADERS[missing[0]])},
            )
        )
    return columns, types


def _text(columns: dict, name: str) -> str:
    if name not in columns:
        return "CAST(NULL AS VARCHAR)"
    return f"NULLIF(TRIM(CAST(\"{columns[name]}\" AS VARCHAR)), '')"


def _stamp(columns: dict, types: dict, name: str) -> str:
    if types.get(columns.get(name, "")) == "TIMESTAMP":
        return f'"{columns[name]}"'
    return f"try_strptime({_text(columns, name)}, {TIME_FORMATS!r})"


def _report(con, checks: str, reasons: dict[str, str]) -> tuple[list[RowError], int]:
    con.execute(f"CREATE TEMP TABLE problems AS {checks}")
    count = con.execute("SELECT count(*) FROM problems").fetchone()[0]
    rows = con.execute(
        f"SELECT rownum, field, code, detail FROM problems ORDER BY rownum, field, code "
        f"LIMIT {MAX_REPORTED}"
    ).fetchall()
    return [RowError(int(r), f, reasons[c] % {"v": redact(d)}) for r, f, c, d in rows], count


def _run(path, rules: Rules, body) -> ImportReport:
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


def ingest_sampling(path, rules: Rules) -> ImportReport:
    """Check a sampling file against the round, then append it to ``testing_samples``."""
    return _run(path, rules, lambda con, p, tmp, t0: _sampling(con, p, tmp, t0, rules))


def _sampling(con, path: Path, tmp: Path, started: float, rules: Rules) -> ImportReport:
    return _fast_first(con, path, tmp, started, rules, SAMPLES, _checked_sampling)


def _fast_first(con, path, tmp, started, rules, name: str, checked) -> ImportReport:
    """Write the file's rows if ``fast`` finds it plainly clean, else run the SQL ``checked``."""
    from . import fast  # fast builds on this module's SQL

    clean = fast.clean_sampling if name == SAMPLES else fast.clean_results
    try:
        table = clean(con, path, rules)
    except fast.Doubt:
        return checked(con, path, tmp, started, rules)
    return _write(name, table, started)


def _write(name: str, table: pa.Table, started: float) -> ImportReport:

    written = lake.append(name, table)
    return ImportReport(rows=table.num_rows, files=written, seconds=time.perf_counter() - started)


def _checked_sampling(con, path: Path, tmp: Path, started: float, rules: Rules) -> ImportReport:
    """Every check in SQL, with the per-row report (row, field, reason) of what fails."""
    cols, types = _stage(con, path, tmp, ("barcode", "sampled_at"), ("person", "id_number"))
    view(con, TARGETS, "targets")
    con.execute(
        f"CREATE TEMP TABLE targets_r AS SELECT * FROM targets WHERE round_id = {rules.round_id}"
    )
    view(con, SAMPLES, "samples", rules.applied)
    view(con, RESULTS, "results", rules.applied)
    con.execute(
        f"CREATE TEMP VIEW raw AS SELECT {types[ROWNUM]} AS rownum, "
        f"UPPER({_text(cols, 'barcode')}) AS barcode, {_text(cols, 'person')} AS person_raw, "
        f"NULLIF(UPPER(regexp_replace({_text(cols, 'id_number')}, '[\\s-]', '', 'g')), '') AS id, "
        f"{_text(cols, 'sampled_at')} AS sampled_raw, "
        f"{_stamp(cols, types, 'sampled_at')} AS sampled, "
        f"{_text(cols, 'point')} AS point_raw FROM file"
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
    # One hash aggregate per (tube, person), then per person and per tube: no sorts.
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
    # A tube whose only result is "invalid" is resampled: its people may be sampled again.
    con.execute(
        "CREATE TEMP TABLE taken AS SELECT s.person_id, s.barcode FROM samples s "
        f"WHERE s.round_id = {rules.round_id} AND s.barcode NOT IN "
        "(SELECT barcode FROM results GROUP BY barcode HAVING bool_and(result = 'invalid'))"
    )
    start = rules.starts_at.replace(tzinfo=None).isoformat(sep=" ")
    checks = f"""
SELECT rownum, 'barcode' AS field, 'missing' AS code, NULL AS detail FROM rows WHERE barcode IS NULL
UNION ALL SELECT rownum, 'barcode', 'bad_barcode', barcode FROM rows
    WHERE barcode IS NOT NULL AND NOT regexp_full_match(barcode, '{BARCODE}')
UNION ALL SELECT rownum, 'person', 'no_person', NULL FROM rows
    WHERE person_raw IS NULL AND id IS NULL
UNION ALL SELECT rownum, 'person', 'bad_person', person_raw FROM rows
    WHERE person_raw IS NOT NULL AND TRY_CAST(person_raw AS BIGINT) IS NULL
UNION ALL SELECT rownum, 'id_number', 'bad_id', id FROM rows
    WHERE person_raw IS NULL AND id IS NOT NULL AND NOT regexp_full_match(id, '[0-9]{{17}}[0-9X]')
UNION ALL SELECT rownum, 'person', 'not_target', COALESCE(person_raw, '') FROM rows
    WHERE pid IS NULL AND (TRY_CAST(person_raw AS BIGINT) IS NOT NULL
        OR (person_raw IS NULL AND regexp_full_match(id, '[0-9]{{17}}[0-9X]')))
UNION ALL SELECT rownum, 'sampled_at', 'missing', NULL FROM rows
    WHERE sampled_raw IS NULL AND sampled IS NULL
UNION ALL SELECT rownum, 'sampled_at', 'bad_time', sampled_raw FROM rows
    WHERE sampled_raw IS NOT NULL AND sampled IS NULL
UNION ALL SELECT rownum, 'sampled_at', 'before_round', CAST(sampled AS VARCHAR) FROM rows
    WHERE sampled < TIMESTAMP '{start}'
UNION ALL SELECT rownum, 'point', 'bad_point', point_raw FROM rows WHERE point_raw IS NOT NULL
    AND COALESCE(TRY_CAST(point_raw AS BIGINT) NOT IN (SELECT id FROM points), true)
UNION ALL SELECT r.rownum, 'row', 'duplicate', CAST(d.first AS VARCHAR) FROM rows r
    JOIN pairs d ON d.barcode = r.barcode AND d.pid = r.pid WHERE d.n > 1 AND r.rownum > d.first
UNION ALL SELECT r.rownum, 'person', 'two_pools', p.first_barcode FROM rows r
    JOIN per_pid p ON p.pid = r.pid WHERE r.barcode <> p.first_barcode
UNION ALL SELECT r.rownum, 'person', 'already_sampled', t.barcode FROM rows r
    JOIN taken t ON t.person_id = r.pid
UNION ALL SELECT r.rownum, 'barcode', 'barcode_used', r.barcode FROM rows r
    WHERE r.barcode IN (SELECT barcode FROM samples)
UNION ALL SELECT r.rownum, 'barcode', 'tube_too_big', CAST(b.n AS VARCHAR) FROM rows r
    JOIN per_tube b USING (barcode) WHERE b.n > {rules.max_per_tube}
"""
    if rules.by_household:
        checks += """UNION ALL SELECT r.rownum, 'barcode', 'mixed_households', NULL FROM rows r
    JOIN per_tube b USING (barcode) WHERE b.mixed
"""
    errors, count = _report(con, checks, _sampling_reasons(rules))
    if count:
        return ImportReport(errors=errors, error_count=count)
    table = con.sql(
        f"SELECT CAST({rules.round_id} AS BIGINT) AS round_id, "
        f"CAST({rules.upload_id} AS BIGINT) AS upload_id, barcode, pid AS person_id, grid, "
        "place_id, household_id, TRY_CAST(point_raw AS BIGINT) AS point_id, sampled AS sampled_at, "
        "CAST(sampled AS DATE) AS day FROM rows"
    ).to_arrow_table()
    return _write(SAMPLES, table, started)


def _sampling_reasons(rules: Rules) -> dict[str, str]:
    return {
        "missing": _("empty"),
        "bad_barcode": _("not a tube barcode (6–32 letters and digits): %(v)s"),
        "no_person": _("neither a person number nor an identity number"),
        "bad_person": _("not a person number: %(v)s"),
        "bad_id": _("not an identity number (17 digits then a digit or X)"),
        "not_target": _("not a resident this round must test %(v)s"),
        "bad_time": _("not a date and time (YYYY-MM-DD HH:MM[:SS]): %(v)s"),
        "before_round": _("sampled before the round started: %(v)s"),
        "bad_point": _("unknown sampling point %(v)s"),
        "duplicate": _("duplicate of row %(v)s"),
        "two_pools": _("this person is already in tube %(v)s of this file"),
        "already_sampled": _("this person was already sampled in this round (tube %(v)s)"),
        "barcode_used": _("tube %(v)s was already used by an earlier file"),
        "tube_too_big": _("%(v)s people in one tube: more than this round's pooling allows")
        + f" ({rules.max_per_tube})",
        "mixed_households": _("a household tube holds people of different households%(v)s"),
    }


def ingest_results(path, rules: Rules) -> ImportReport:
    """Check a laboratory results file against the round's tubes, then append it."""
    return _run(path, rules, lambda con, p, tmp, t0: _results(con, p, tmp, t0, rules))


def _results(con, path: Path, tmp: Path, started: float, rules: Rules) -> ImportReport:
    return _fast_first(con, path, tmp, started, rules, RESULTS, _checked_results)


def _checked_results(con, path: Path, tmp: Path, started: float, rules: Rules) -> ImportReport:
    """Every check in SQL, with the per-row report of what fails."""
    cols, types = _stage(con, path, tmp, ("barcode", "result", "resulted_at"))
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
        f"UPPER({_text(cols, 'barcode')}) AS barcode, "
        f"{_text(cols, 'result')} AS result_raw, w.w_result AS result, "
        f"{_text(cols, 'resulted_at')} AS at_raw, {_stamp(cols, types, 'resulted_at')} AS res_at, "
        f"{_text(cols, 'lab')} AS lab FROM file f "
        f"LEFT JOIN words w ON w.w_word = LOWER({_text(cols, 'result')})"
    )
    checks = f"""
SELECT rownum, 'barcode' AS field, 'missing' AS code, NULL AS detail FROM rows WHERE barcode IS NULL
UNION ALL SELECT rownum, 'barcode', 'bad_barcode', barcode FROM rows
    WHERE barcode IS NOT NULL AND NOT regexp_full_match(barcode, '{BARCODE}')
UNION ALL SELECT rownum, 'barcode', 'unknown_tube', barcode FROM rows
    WHERE regexp_full_match(barcode, '{BARCODE}') AND barcode NOT IN (SELECT barcode FROM tubes)
UNION ALL SELECT rownum, 'result', 'missing', NULL FROM rows WHERE result_raw IS NULL
UNION ALL SELECT rownum, 'result', 'bad_result', result_raw FROM rows
    WHERE result_raw IS NOT NULL AND result IS NULL
UNION ALL SELECT rownum, 'resulted_at', 'missing', NULL FROM rows
    WHERE at_raw IS NULL AND res_at IS NULL
UNION ALL SELECT rownum, 'resulted_at', 'bad_time', at_raw FROM rows
    WHERE at_raw IS NOT NULL AND res_at IS NULL
UNION ALL SELECT rownum, 'row', 'duplicate', CAST(first AS VARCHAR) FROM (
    SELECT rownum, min(rownum) OVER (PARTITION BY barcode) AS first FROM rows
    WHERE barcode IS NOT NULL) WHERE rownum > first
UNION ALL SELECT rownum, 'barcode', 'already_resulted', barcode FROM rows
    WHERE barcode IN (SELECT barcode FROM results WHERE round_id = {rules.round_id})
"""
    reasons = {
        "missing": _("empty"),
        "bad_barcode": _("not a tube barcode (6–32 letters and digits): %(v)s"),
        "unknown_tube": _("no tube %(v)s was sampled in this round"),
        "bad_result": _("not a result (negative, positive, invalid; 阴性, 阳性, 无效): %(v)s"),
        "bad_time": _("not a date and time (YYYY-MM-DD HH:MM[:SS]): %(v)s"),
        "duplicate": _("duplicate tube: the same barcode as row %(v)s"),
        "already_resulted": _("tube %(v)s already has a result from an earlier file"),
    }
    errors, count = _report(con, checks, reasons)
    if count:
        return ImportReport(errors=errors, error_count=count)
    table = con.sql(
        f"SELECT CAST({rules.round_id} AS BIGINT) AS round_id, "
        f"CAST({rules.upload_id} AS BIGINT) AS upload_id, barcode, result, lab, "
        "res_at AS resulted_at, "
        "CAST(res_at AS DATE) AS day FROM rows"
    ).to_arrow_table()
    return _write(RESULTS, table, started)
