"""Import venue check-in logs (场所码 scans) into the ``checkins`` dataset of the analytic store.

A file is CSV (UTF-8, with or without BOM, or GBK as exported by many provincial systems) or
Parquet, with one row per stay: identity number and/or phone, venue code, check-in and check-out
time (local wall-clock time, as the venue system prints it). English or Chinese headers.

Everything is checked before anything is written: when any row is wrong the caller gets every
problem (row number, field, reason; up to ``MAX_REPORTED``) and the dataset is untouched. Row
numbers are those a spreadsheet shows: the CSV header is row 1, the first data row is row 2; in a
Parquet file the first row is row 1.

Identity numbers and phones never reach the lake in plain: the importer stores the keyed look-up
hash of ``pingji.core.crypto`` (HMAC-SHA256 of the normalised value), computed inside DuckDB on
the distinct values of the file, so a search result joins back to ``people.Person`` by
``id_number_hash``/``phone_hash`` without ever decrypting.

Venue codes are ``geo.Place`` primary keys (as text) of places of kind ``venue``: ``Place`` has no
separate code, and the key is what a search result links back to. The importer takes the set of
known codes (``known_venues``) so it needs no database itself.

A file is imported once (docs/decisions/0039): its stays are appended as the lake import keyed by
the file's content hash, so the same file again — a user unsure whether a killed run finished, or
the same log sent twice — finds that import in the manifest and writes nothing; a run killed
mid-write is completed by the next one (``core.lake``).
"""

import hashlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings
from django.utils.translation import gettext as _

from pingji.core import crypto, lake
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
from pingji.epi import overlap
from pingji.tracing import checkin_store

DATASET = checkin_store.DATASET
#: A longer stay is a missed check-out scan, refused (the search relies on it, epi.overlap).
MAX_STAY = overlap.MAX_STAY
TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
]
#: Accepted headers (case and surrounding spaces ignored) for each field.
HEADERS = {
    "id_number": ["id_number", "身份证号", "身份证号码", "证件号码"],
    "phone": ["phone", "手机号", "手机号码", "联系电话"],
    "venue": ["venue", "venue_code", "场所码", "场所编码"],
    "check_in": ["check_in", "签到时间", "进入时间"],
    "check_out": ["check_out", "签离时间", "离开时间"],
}


@dataclass
class CheckinReport(ImportReport):
    already: bool = False  # the same file was imported before: nothing was written this time


def import_key(path: Path) -> str:
    """The lake import key of a check-in file: its content hash."""
    with path.open("rb") as handle:
        return f"checkins:{hashlib.file_digest(handle, 'sha256').hexdigest()}"


def import_checkins(path: str | Path, known_venues: set[str]) -> CheckinReport:
    """Validate the whole file, then append it to the ``checkins`` dataset, or write nothing.

    A file already imported is not read again: the report gives what its import stored.
    """
    started = time.perf_counter()
    path = Path(path)
    key = import_key(path) if path.is_file() else ""
    done = lake.imported(DATASET, key) if key else None
    if done is not None:
        root = lake.dataset_dir(DATASET)
        files = [root / name for name in done.files]
        seconds = time.perf_counter() - started
        return CheckinReport(rows=done.rows, files=files, seconds=seconds, already=True)
    return _validate_and_store(path, known_venues, key, started)


def _validate_and_store(
    path: Path, known_venues: set[str], key: str, started: float
) -> CheckinReport:
    con = lake.connect()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                columns = _stage(con, path, Path(tmp))
            except Refused as refused:
                return CheckinReport(errors=[refused.error], error_count=1)
            missing = [f for f in ("venue", "check_in", "check_out") if f not in columns]
            if "id_number" not in columns and "phone" not in columns:
                missing.insert(0, "id_number")
            if missing:
                errors = [
                    RowError(
                        1,
                        name,
                        _("missing column (accepted headers: %(h)s)")
                        % {"h": ", ".join(HEADERS[name])},
                    )
                    for name in missing
                ]
                return CheckinReport(errors=errors, error_count=len(errors))
            con.register("known_venues", pa.table({"code": list(map(str, known_venues))}))
            errors, count = _validate(con)
            if count:
                return CheckinReport(errors=errors, error_count=count)
            written = checkin_store.store(_hashed(con), key=key)
            (rows,) = con.execute("SELECT count(*) FROM raw").fetchone() or (0,)
            return CheckinReport(rows=rows, files=written, seconds=time.perf_counter() - started)
    finally:
        con.close()


def _header_map(names: list[str]) -> dict[str, str]:
    """File column name for each field found; the first matching header wins."""
    found: dict[str, str] = {}
    for name in names:
        key = name.strip().lower()
        for target, aliases in HEADERS.items():
            if key in aliases and target not in found:
                found[target] = name
    return found


def _stage(con: duckdb.DuckDBPyConnection, path: Path, tmp: Path) -> set[str]:
    """Load the file into the temp table ``raw`` (row number + text columns); fields found."""
    if not path.is_file():
        raise Refused(RowError(0, "", _("no such file: %(p)s") % {"p": path}))
    parquet = path.suffix.lower() == ".parquet"
    if parquet:
        source = f"read_parquet('{path}', file_row_number = true)"
    else:
        source = (
            f"read_csv('{utf8_copy(path, tmp)}', header = true, all_varchar = true, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false)"
        )
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as exc:
        raise Refused(
            RowError(0, "", _("not a readable file: %(e)s") % {"e": reader_error(exc)})
        ) from exc
    types = {name: kind for name, kind, *_rest in described}
    columns = _header_map([n for n in types if n != "file_row_number"])
    if not {"venue", "check_in", "check_out"} <= set(columns):
        return set(columns)

    def text(name: str) -> str:
        if name not in columns:
            return "CAST(NULL AS VARCHAR)"
        return f"NULLIF(TRIM(CAST(\"{columns[name]}\" AS VARCHAR)), '')"

    def typed(name: str) -> bool:
        return name in columns and types[columns[name]] == "TIMESTAMP"

    def stamp(name: str) -> str:
        if typed(name):
            return f'"{columns[name]}"'
        return f"try_strptime({text(name)}, {TIME_FORMATS!r})"

    def raw_text(name: str) -> str:
        """The text a bad time is reported with; a typed timestamp is never a bad one."""
        return "CAST(NULL AS VARCHAR)" if typed(name) else text(name)

    rownum = "file_row_number + 1" if parquet else "rowid + 2"
    body = (
        f"SELECT {rownum} AS rownum, "
        f"NULLIF(UPPER(regexp_replace({text('id_number')}, '[\\s-]', '', 'g')), '') AS id, "
        f"NULLIF(regexp_replace({text('phone')}, '^\\+86|[\\s-]', '', 'g'), '') AS phone, "
        f"{text('venue')} AS venue, {raw_text('check_in')} AS cin_raw, "
        f"{raw_text('check_out')} AS cout_raw, {stamp('check_in')} AS cin, "
        f"{stamp('check_out')} AS cout FROM "
    )
    try:
        if parquet:
            con.execute(f"CREATE TEMP TABLE raw AS {body} {source}")
        else:
            con.execute(f"CREATE TEMP TABLE file AS SELECT * FROM {source}")
            con.execute(f"CREATE TEMP TABLE raw AS {body} file")
    except duckdb.Error as exc:
        line = line_of(str(exc))
        raise Refused(
            RowError(line, "", _("unreadable row: %(e)s") % {"e": reader_error(exc)})
        ) from exc
    return set(columns)


#: Per-row checks: (field, code, detail shown, condition on a row of ``raw``).
ROW_CHECKS = [
    ("id_number", "no_person", "NULL", "id IS NULL AND phone IS NULL"),
    (
        "id_number",
        "bad_id",
        "id",
        "id IS NOT NULL AND NOT regexp_full_match(id, '[0-9]{17}[0-9X]')",
    ),
    (
        "phone",
        "bad_phone",
        "phone",
        "phone IS NOT NULL AND NOT regexp_full_match(phone, '1[3-9][0-9]{9}')",
    ),
    ("venue", "missing", "NULL", "venue IS NULL"),
    (
        "venue",
        "unknown_venue",
        "venue",
        "venue IS NOT NULL AND venue NOT IN (SELECT code FROM known_venues)",
    ),
    ("check_in", "missing", "NULL", "cin_raw IS NULL AND cin IS NULL"),
    ("check_in", "bad_time", "cin_raw", "cin_raw IS NOT NULL AND cin IS NULL"),
    ("check_out", "missing", "NULL", "cout_raw IS NULL AND cout IS NULL"),
    ("check_out", "bad_time", "cout_raw", "cout_raw IS NOT NULL AND cout IS NULL"),
    ("check_out", "before_check_in", "NULL", "cout < cin"),
    (
        "check_out",
        "too_long",
        "NULL",
        f"cout - cin > INTERVAL {int(MAX_STAY.total_seconds())} SECOND",
    ),
]
#: How many rows break some check, in one pass, and how many rows repeat another: a clean file
#: (the usual case) pays for this and nothing more. Repeats are screened by a 64-bit hash of the
#: row, half the time of grouping the rows themselves; a collision only sends the file to the
#: exact pass (``_PROBLEMS``), which finds no problem and lets it through.
_COUNT = f"""
SELECT (SELECT count(*) FROM raw WHERE {" OR ".join(f"({c})" for *_x, c in ROW_CHECKS)})
     + (SELECT count(*) - count(DISTINCT hash(id, phone, venue, cin, cout)) FROM raw)
"""
#: Every problem, one row each, for the report of a refused file.
_PROBLEMS = (
    "\nUNION ALL ".join(
        f"SELECT rownum, '{f}' AS field, '{code}' AS code, CAST({detail} AS VARCHAR) AS detail "
        f"FROM raw WHERE {cond}"
        for f, code, detail, cond in ROW_CHECKS
    )
    + """
UNION ALL SELECT rownum, 'row', 'duplicate', CAST(first AS VARCHAR) FROM (
    SELECT rownum, min(rownum) OVER (PARTITION BY id, phone, venue, cin, cout) AS first FROM raw
) WHERE rownum > first
"""
)


def _reason(code: str, detail: str | None) -> str:
    reasons = {
        "no_person": _("neither an identity number nor a phone"),
        "bad_id": _("not an identity number (17 digits then a digit or X)"),
        "bad_phone": _("not a mobile number (11 digits starting 13–19)"),
        "missing": _("empty"),
        "unknown_venue": _("unknown venue code %(v)s"),
        "bad_time": _("not a date and time (YYYY-MM-DD HH:MM[:SS]): %(v)s"),
        "before_check_in": _("check-out is before check-in"),
        "too_long": _("stay longer than %(h)d hours (a missed check-out scan?)"),
        "duplicate": _("duplicate of row %(v)s"),
    }
    return reasons[code] % {"v": redact(detail), "h": MAX_STAY.total_seconds() // 3600}


def _validate(con: duckdb.DuckDBPyConnection) -> tuple[list[RowError], int]:
    counted = con.execute(_COUNT).fetchone()
    if counted is None or not counted[0]:
        return [], 0
    con.execute(f"CREATE TEMP TABLE problems AS {_PROBLEMS}")
    total = con.execute("SELECT count(*) FROM problems").fetchone()
    count = total[0] if total is not None else 0  # count(*) always answers one row
    rows = con.execute(
        f"SELECT rownum, field, code, detail FROM problems ORDER BY rownum, field, code "
        f"LIMIT {MAX_REPORTED}"
    ).fetchall()
    return [RowError(int(r), f, _reason(c, d)) for r, f, c, d in rows], count


def _hashed(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """The stays with look-up hashes (hex) instead of numbers, each distinct value hashed once."""
    key = crypto._hash_key(settings.FIELD_ENCRYPTION_KEY).ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in key).hex()
    outer = bytes(b ^ 0x5C for b in key).hex()
    con.execute(
        "CREATE TEMP TABLE hashes AS SELECT v, sha256(unhex($outer) || unhex(sha256("
        "unhex($inner) || encode(v)))) AS h FROM "
        "(SELECT id AS v FROM raw WHERE id IS NOT NULL "
        "UNION SELECT phone FROM raw WHERE phone IS NOT NULL)",
        {"inner": inner, "outer": outer},
    )
    return con.sql(
        "SELECT i.h AS id_hash, p.h AS phone_hash, r.venue, r.cin AS check_in, "
        "r.cout AS check_out FROM raw r "
        "LEFT JOIN hashes i ON i.v = r.id LEFT JOIN hashes p ON p.v = r.phone"
    )
