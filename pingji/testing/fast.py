"""The clean file, checked in whole columns: the fast path of ``ingest``.

Why: at city scale (issue 5: 10 million samples in 1 million tubes) the per-row SQL report of
``ingest`` — every row joined, grouped and tested for fifteen reasons — costs minutes, while the
report is only needed when a file has a problem, and almost every file a sampling point or a
laboratory sends has none. So each check is first asked once of whole columns (Arrow, NumPy, one
DuckDB scan for the times), as a yes/no question that is *stricter or equal* to the SQL check:
a file that passes all of them is one for which the SQL checks find no row, and its rows are the
ones the SQL path would write. At the first doubt — a check fails, a column is not plain text, a
header is unusual, the file is Parquet, GBK or has identity numbers — this module answers
``None`` and ``ingest`` runs its SQL path, which writes the per-row report (or, being more
lenient about spaces and case, applies the file). Refusing is therefore always the SQL path's.

Writing goes through ``append``: Parquet written by Arrow (the same layout as ``core.lake``,
staged then renamed), about twice as fast as DuckDB's ``COPY`` at ten million rows.
"""

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pingji.core import lake

from .ingest import RESULT_WORDS, RESULTS, SAMPLES, TARGETS, Rules, _header_map, _stamp, _text, view

#: Anchored, as Arrow's ``match_substring_regex`` searches (DuckDB's ``regexp_full_match`` not).
BARCODE_RE = "^[A-Z0-9]{6,32}$"


class Doubt(Exception):
    """The file is not plainly clean: let the SQL path of ``ingest`` decide and report."""


def read_csv(path: Path, header_map) -> tuple[pa.Table, dict[str, str]]:
    """The CSV file as text columns, and its header map; ``Doubt`` for anything unusual.

    Strict where DuckDB's reader is lenient in ways that would change row numbers or values:
    no empty lines, no line breaks inside values, UTF-8 only, no repeated or blank headers.
    """
    if path.suffix.lower() == ".parquet":
        raise Doubt
    try:
        with open(path, encoding="utf-8", newline="") as f:
            names = next(csv.reader([f.readline()]))
    except (UnicodeDecodeError, StopIteration, csv.Error, OSError):
        raise Doubt from None
    if names and names[0].startswith("\ufeff"):
        raise Doubt
    if len(set(names)) != len(names) or any(not n.strip() for n in names):
        raise Doubt
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, OSError):
        raise Doubt from None
    if table.num_rows == 0:  # the SQL path says what an empty file lacks
        raise Doubt
    return table, header_map(names)


def all_true(mask) -> bool:
    return mask.null_count == 0 and pc.all(mask).as_py() is not False


def barcodes(column) -> pa.ChunkedArray:
    """The column itself when every value is already a clean tube barcode (no trim, no case)."""
    if not all_true(pc.match_substring_regex(column, BARCODE_RE)):
        raise Doubt
    return column


def numbers(column) -> pa.ChunkedArray:
    """ASCII digits only (no sign, space, hex or empty) read as int64, else ``Doubt``."""
    if not all_true(pc.ascii_is_decimal(column)):
        raise Doubt
    try:
        return pc.cast(column, pa.int64())
    except pa.ArrowException:
        raise Doubt from None


def evaluate(table: pa.Table, **expressions: str) -> pa.Table:
    """``ingest``'s own SQL expressions over ``table`` (registered as ``file``), by DuckDB.

    Times are parsed this way, with the very expression of the SQL path, since Arrow's
    ``strptime`` accepts days such as 31 September.
    """
    con = lake.connect()
    try:
        con.register("file", table)
        listed = ", ".join(f"{sql} AS {alias}" for alias, sql in expressions.items())
        return con.sql(f"SELECT {listed} FROM file").to_arrow_table()
    finally:
        con.close()


def times(column) -> pa.ChunkedArray:
    """A parsed time column with no NULL (a value that did not parse), else ``Doubt``."""
    if column.null_count or not pa.types.is_timestamp(column.type):
        raise Doubt
    return pc.cast(column, pa.timestamp("us"))


def index_in(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each value in ``keys`` (unique), -1 where absent; ``Doubt`` if keys repeat."""
    if not len(keys):
        raise Doubt
    lo, hi = int(keys.min()), int(keys.max())
    if hi - lo <= 4 * len(keys) + 1_000_000:  # person ids are dense: a lookup array
        lookup = np.full(hi - lo + 1, -1, np.int64)
        lookup[keys - lo] = np.arange(len(keys))
        if np.count_nonzero(lookup >= 0) != len(keys):
            raise Doubt
        inside = (values >= lo) & (values <= hi)
        found = np.full(len(values), -1, np.int64)
        found[inside] = lookup[values[inside] - lo]
        return found
    if len(np.unique(keys)) != len(keys):
        raise Doubt
    found = pc.index_in(pa.array(values), value_set=pa.array(keys))
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def unique(values: np.ndarray, size: int) -> bool:
    """Whether every value (in ``0 .. size-1``) occurs once."""
    return len(values) == 0 or int(np.bincount(values, minlength=size).max()) <= 1


def largest_group(column) -> int:
    return int(pc.max(pc.value_counts(column).field("counts")).as_py() or 0)


def clean_sampling(con, path: Path, rules: Rules) -> pa.Table:
    """The rows to write when the file is plainly clean (``fast``), else ``Doubt``.

    Each test below is one of ``ingest._checked_sampling``'s, asked of whole columns, never laxer.
    """
    table, cols = read_csv(path, _header_map)
    if "id_number" in cols or not {"barcode", "person", "sampled_at"} <= cols.keys():
        raise Doubt
    barcode = barcodes(table[cols["barcode"]])
    person = numbers(table[cols["person"]]).to_numpy()
    sampled = times(evaluate(table, t=_stamp(cols, {}, "sampled_at"))["t"])
    if pc.min(sampled).as_py() < rules.starts_at.replace(tzinfo=None):
        raise Doubt
    if "point" in cols:
        point = numbers(table[cols["point"]])
        known = pa.array(sorted(rules.points), pa.int64())
        if not all_true(pc.is_in(point, value_set=known)):
            raise Doubt
    else:
        point = pa.nulls(table.num_rows, pa.int64())
    # Residents of the round, each once in the file (so no duplicate row, no two tubes).
    view(con, TARGETS, "targets")
    targets = con.sql(
        "SELECT person_id, grid, place_id, household_id FROM targets "
        f"WHERE round_id = {rules.round_id}"
    ).to_arrow_table()
    if targets["person_id"].null_count:
        raise Doubt
    at = index_in(person, targets["person_id"].to_numpy())
    if (at < 0).any() or not unique(at, targets.num_rows):
        raise Doubt
    if largest_group(barcode) > rules.max_per_tube:
        raise Doubt
    n, at = table.num_rows, pa.array(at)
    rows = pa.table(
        {
            "round_id": pa.array(np.full(n, rules.round_id, np.int64)),
            "upload_id": pa.array(np.full(n, rules.upload_id, np.int64)),
            "barcode": barcode,
            "person_id": pa.array(person),
            "grid": targets["grid"].take(at),
            "place_id": targets["place_id"].take(at),
            "household_id": targets["household_id"].take(at),
            "point_id": point,
            "sampled_at": sampled,
            "day": pc.cast(sampled, pa.date32()),
        }
    )
    checks = []
    if rules.by_household:
        checks.append(
            "SELECT count(*) FROM (SELECT barcode FROM fast_rows GROUP BY barcode "
            "HAVING min(household_id) <> max(household_id))"
        )
    # Against earlier files: tubes already used, residents already sampled this round.
    view(con, SAMPLES, "samples", rules.applied)
    view(con, RESULTS, "results", rules.applied)
    if con.execute("SELECT count(*) FROM samples").fetchall()[0][0]:
        checks.append(
            "SELECT count(*) FROM samples WHERE barcode IN (SELECT barcode FROM fast_rows)"
        )
        checks.append(
            f"SELECT count(*) FROM samples s WHERE s.round_id = {rules.round_id} "
            "AND s.person_id IN (SELECT person_id FROM fast_rows) AND s.barcode NOT IN "
            "(SELECT barcode FROM results GROUP BY barcode HAVING bool_and(result = 'invalid'))"
        )
    if checks:
        con.register("fast_rows", rows)
        if any(con.execute(sql).fetchall()[0][0] for sql in checks):
            raise Doubt
    return rows


def clean_results(con, path: Path, rules: Rules) -> pa.Table:
    """The rows to write when the results file is plainly clean, else ``Doubt``."""
    table, cols = read_csv(path, _header_map)
    if not {"barcode", "result", "resulted_at"} <= cols.keys():
        raise Doubt
    barcode = barcodes(table[cols["barcode"]])
    if largest_group(barcode) > 1:
        raise Doubt
    word = pc.index_in(pc.utf8_lower(table[cols["result"]]), value_set=pa.array(list(RESULT_WORDS)))
    if word.null_count:
        raise Doubt
    parsed = evaluate(table, t=_stamp(cols, {}, "resulted_at"), lab=_text(cols, "lab"))
    at = times(parsed["t"])
    rows = pa.table(
        {
            "round_id": pa.array(np.full(table.num_rows, rules.round_id, np.int64)),
            "upload_id": pa.array(np.full(table.num_rows, rules.upload_id, np.int64)),
            "barcode": barcode,
            "result": pa.array(list(RESULT_WORDS.values())).take(word),
            "lab": pc.cast(parsed["lab"], pa.string()),
            "resulted_at": at,
            "day": pc.cast(at, pa.date32()),
        }
    )
    # Every tube sampled in this round, none resulted by an earlier file.
    view(con, SAMPLES, "samples", rules.applied)
    view(con, RESULTS, "results", rules.applied)
    con.register("fast_rows", rows)
    known = con.execute(
        f"SELECT count(DISTINCT barcode) FROM samples WHERE round_id = {rules.round_id} "
        "AND barcode IN (SELECT barcode FROM fast_rows)"
    ).fetchall()[0][0]
    resulted = con.execute(
        f"SELECT count(*) FROM results WHERE round_id = {rules.round_id} "
        "AND barcode IN (SELECT barcode FROM fast_rows)"
    ).fetchall()[0][0]
    if known != rows.num_rows or resulted:
        raise Doubt
    return rows
