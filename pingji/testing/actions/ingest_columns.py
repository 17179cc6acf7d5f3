"""The column pass of an upload: every rule of ``ingest_rules`` asked once of whole columns.

Why: at city scale (a round of 10 million samples in 1 million tubes) the per-row SQL report of
the row pass (``ingest``) — every row joined, grouped and tested for fifteen reasons — costs
minutes, while the report is only needed when a file has a problem, and almost every file a
sampling point or a laboratory sends has none. So each rule is first settled for all rows at once
(Arrow, NumPy, one DuckDB scan for the times), by the ``Step`` the rule names: a question that is
*stricter or equal* to the rule, since it is answered yes only when no row can fail it. A file for
which every step says yes is one on which the row pass finds no failing row, and its rows are the
ones the row pass would write. At the first doubt (``ingest_rules.DOUBTS``) — a step says no, a
column is not plain text, a header is unusual, the file is Parquet, GBK or has identity numbers —
``Doubt`` is raised and the row pass decides: it writes the per-row report, or, being more lenient
about spaces and case, applies the file. Refusing is therefore always the row pass's.

Each step registers the ``Step`` it answers (``settles``); a rule naming a step nobody answers
stops this module from importing, so the fast path cannot silently skip a rule.
"""

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pingji.core import lake

from ..store import RESULTS, SAMPLES, TARGETS, view
from .ingest_rules import (
    BARCODE,
    RESULT_FILE,
    RESULT_RULES,
    RESULT_WORDS,
    SAMPLING,
    SAMPLING_RULES,
    Doubt,
    Layout,
    Rules,
    Step,
    header_map,
    text_sql,
    time_sql,
)

#: Anchored, as Arrow's ``match_substring_regex`` searches (DuckDB's ``regexp_full_match`` not).
BARCODE_RE = f"^{BARCODE}$"

#: Which function answers each step (filled by ``settles``).
SETTLED: dict[Step, Callable] = {}


def settles(*steps: Step) -> Callable[[Callable], Callable]:
    """Register a function as the column pass's answer to ``steps``."""

    def register(function: Callable) -> Callable:
        for step in steps:
            SETTLED[step] = function
        return function

    return register


# --- reading ---------------------------------------------------------------------------------


def read_csv(path: Path, layout: Layout) -> tuple[pa.Table, dict[str, str]]:
    """The CSV file as text columns, and its header map; ``Doubt`` for anything unusual.

    Strict where DuckDB's reader is lenient in ways that would change row numbers or values:
    no empty lines, no line breaks inside values, UTF-8 only, no repeated or blank headers.
    """
    if path.suffix.lower() == ".parquet":
        raise Doubt("not_plain_csv")
    try:
        with open(path, encoding="utf-8", newline="") as f:
            names = next(csv.reader([f.readline()]))
    except (UnicodeDecodeError, StopIteration, csv.Error, OSError):
        raise Doubt("not_plain_csv") from None
    if names and names[0].startswith("\ufeff"):
        raise Doubt("not_plain_csv")
    if len(set(names)) != len(names) or any(not n.strip() for n in names):
        raise Doubt("not_plain_csv")
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
        raise Doubt("not_plain_csv") from None
    if table.num_rows == 0:  # the row pass says what an empty file lacks
        raise Doubt("not_plain_csv")
    return table, plain_layout(header_map(names), layout)


@settles(Step.LAYOUT)
def plain_layout(cols: dict[str, str], layout: Layout) -> dict[str, str]:
    """The header map when the file has the columns the column pass reads and none it leaves to
    the row pass (identity numbers, which are hashed and looked up there)."""
    if any(c in cols for c in layout.doubtful) or not set(layout.plain) <= cols.keys():
        raise Doubt("layout")
    return cols


def evaluate(table: pa.Table, **expressions: str) -> pa.Table:
    """``ingest_rules``' own SQL expressions over ``table`` (registered as ``file``), by DuckDB."""
    con = lake.connect()
    try:
        con.register("file", table)
        listed = ", ".join(f"{sql} AS {alias}" for alias, sql in expressions.items())
        return con.sql(f"SELECT {listed} FROM file").to_arrow_table()
    finally:
        con.close()


# --- the steps -------------------------------------------------------------------------------


def all_true(mask) -> bool:
    return mask.null_count == 0 and pc.all(mask).as_py() is not False


@settles(Step.BARCODES)
def barcodes(column) -> pa.ChunkedArray:
    """The column itself when every value is already a clean tube barcode (no trim, no case)."""
    if not all_true(pc.match_substring_regex(column, BARCODE_RE)):
        raise Doubt(Step.BARCODES)
    return column


@settles(Step.PERSONS)
def numbers(column) -> pa.ChunkedArray:
    """ASCII digits only (no sign, space, hex or empty) read as int64, else ``Doubt``."""
    if not all_true(pc.ascii_is_decimal(column)):
        raise Doubt(Step.PERSONS)
    try:
        return pc.cast(column, pa.int64())
    except pa.ArrowException:
        raise Doubt(Step.PERSONS) from None


@settles(Step.TIMES)
def times(column) -> pa.ChunkedArray:
    """A parsed time column with no NULL (a value that did not parse), else ``Doubt``."""
    if column.null_count or not pa.types.is_timestamp(column.type):
        raise Doubt(Step.TIMES)
    return pc.cast(column, pa.timestamp("us"))


@settles(Step.NOT_BEFORE_ROUND)
def not_before_round(sampled, rules: Rules) -> None:
    """No sample taken before the round started."""
    if pc.min(sampled).as_py() < rules.starts_at.replace(tzinfo=None):
        raise Doubt(Step.NOT_BEFORE_ROUND)


@settles(Step.POINTS)
def points(table: pa.Table, cols: dict, rules: Rules) -> pa.ChunkedArray | pa.Array:
    """The sampling points, every one a known point of the round (an empty one is a doubt,
    though the row pass takes it as none); all NULL without the column."""
    if "point" not in cols:
        return pa.nulls(table.num_rows, pa.int64())
    point = numbers(table[cols["point"]])
    known = pa.array(sorted(rules.points), pa.int64())
    if not all_true(pc.is_in(point, value_set=known)):
        raise Doubt(Step.POINTS)
    return point


def index_in(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each value in ``keys`` (unique), -1 where absent; ``Doubt`` if keys repeat."""
    if not len(keys):
        raise Doubt(Step.TARGETS_ONCE)
    lo, hi = int(keys.min()), int(keys.max())
    if hi - lo <= 4 * len(keys) + 1_000_000:  # person ids are dense: a lookup array
        lookup = np.full(hi - lo + 1, -1, np.int64)
        lookup[keys - lo] = np.arange(len(keys))
        if np.count_nonzero(lookup >= 0) != len(keys):
            raise Doubt(Step.TARGETS_ONCE)
        inside = (values >= lo) & (values <= hi)
        found = np.full(len(values), -1, np.int64)
        found[inside] = lookup[values[inside] - lo]
        return found
    if len(np.unique(keys)) != len(keys):
        raise Doubt(Step.TARGETS_ONCE)
    found = pc.index_in(pa.array(values), value_set=pa.array(keys))
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def unique(values: np.ndarray, size: int) -> bool:
    """Whether every value (in ``0 .. size-1``) occurs once."""
    return len(values) == 0 or int(np.bincount(values, minlength=size).max()) <= 1


@settles(Step.TARGETS_ONCE)
def target_rows(con, person: np.ndarray, rules: Rules) -> tuple[pa.Table, pa.Array]:
    """The round's targets and, per row, the position of its person among them.

    Every person a resident of the round, each once in the file: so no row names a stranger, and
    none repeats a (tube, person) pair or puts one person in two tubes.
    """
    view(con, TARGETS, "targets")
    targets = con.sql(
        "SELECT person_id, grid, place_id, household_id FROM targets "
        f"WHERE round_id = {rules.round_id}"
    ).to_arrow_table()
    if targets["person_id"].null_count:
        raise Doubt(Step.TARGETS_ONCE)
    at = index_in(person, targets["person_id"].to_numpy())
    if (at < 0).any() or not unique(at, targets.num_rows):
        raise Doubt(Step.TARGETS_ONCE)
    return targets, pa.array(at)


def largest_group(column) -> int:
    return int(pc.max(pc.value_counts(column).field("counts")).as_py() or 0)


@settles(Step.TUBE_SIZE)
def tube_size(barcode, rules: Rules) -> None:
    """No tube holds more rows (each a different person, by ``target_rows``) than allowed."""
    if largest_group(barcode) > rules.max_per_tube:
        raise Doubt(Step.TUBE_SIZE)


@settles(Step.HOUSEHOLDS)
def households_apart(rules: Rules) -> list[tuple[Step, str]]:
    """In a round by household, the question "does any tube mix households" (as a count)."""
    if not rules.by_household:
        return []
    sql = (
        "SELECT count(*) FROM (SELECT barcode FROM fast_rows GROUP BY barcode "
        "HAVING min(household_id) <> max(household_id))"
    )
    return [(Step.HOUSEHOLDS, sql)]


@settles(Step.EARLIER_FILES)
def earlier_files(con, rules: Rules) -> list[tuple[Step, str]]:
    """Against earlier applied files: tubes already used, residents already sampled this round
    (unless their tube came back only invalid), each as a count; none when nothing is stored."""
    view(con, SAMPLES, "samples", rules.applied)
    view(con, RESULTS, "results", rules.applied)
    if not con.execute("SELECT count(*) FROM samples").fetchall()[0][0]:
        return []
    used = "SELECT count(*) FROM samples WHERE barcode IN (SELECT barcode FROM fast_rows)"
    sampled = (
        f"SELECT count(*) FROM samples s WHERE s.round_id = {rules.round_id} "
        "AND s.person_id IN (SELECT person_id FROM fast_rows) AND s.barcode NOT IN "
        "(SELECT barcode FROM results GROUP BY barcode HAVING bool_and(result = 'invalid'))"
    )
    return [(Step.EARLIER_FILES, used), (Step.EARLIER_FILES, sampled)]


@settles(Step.RESULT_WORDS)
def result_words(column) -> pa.Array:
    """The index of each result in ``RESULT_WORDS``: every value a result word as written
    (lower-cased only; a space around it is a doubt, though the row pass trims it)."""
    word = pc.index_in(pc.utf8_lower(column), value_set=pa.array(list(RESULT_WORDS)))
    if word.null_count:
        raise Doubt(Step.RESULT_WORDS)
    return word


@settles(Step.TUBES_ONCE)
def tubes_once(barcode) -> None:
    """Each tube once in a results file."""
    if largest_group(barcode) > 1:
        raise Doubt(Step.TUBES_ONCE)


@settles(Step.KNOWN_TUBES)
def known_tubes(con, rows: pa.Table, rules: Rules) -> None:
    """Every tube of the file sampled in this round, and none resulted by an earlier file."""
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
        raise Doubt(Step.KNOWN_TUBES)


# --- the files -------------------------------------------------------------------------------


def clean_sampling(con, path: Path, rules: Rules) -> pa.Table:
    """The rows to write when every sampling rule holds on every row, else ``Doubt``."""
    table, cols = read_csv(path, SAMPLING)
    barcode = barcodes(table[cols["barcode"]])
    person = numbers(table[cols["person"]]).to_numpy()
    sampled = times(evaluate(table, t=time_sql(cols, {}, "sampled_at"))["t"])
    not_before_round(sampled, rules)
    point = points(table, cols, rules)
    targets, at = target_rows(con, person, rules)
    tube_size(barcode, rules)
    n = table.num_rows
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
    checks = households_apart(rules) + earlier_files(con, rules)
    if checks:
        con.register("fast_rows", rows)
        for step, sql in checks:
            if con.execute(sql).fetchall()[0][0]:
                raise Doubt(step)
    return rows


def clean_results(con, path: Path, rules: Rules) -> pa.Table:
    """The rows to write when every results rule holds on every row, else ``Doubt``."""
    table, cols = read_csv(path, RESULT_FILE)
    barcode = barcodes(table[cols["barcode"]])
    tubes_once(barcode)
    word = result_words(table[cols["result"]])
    parsed = evaluate(table, t=time_sql(cols, {}, "resulted_at"), lab=text_sql(cols, "lab"))
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
    known_tubes(con, rows, rules)
    return rows


def _unsettled() -> set[Step]:
    return {rule.step for rule in (*SAMPLING_RULES, *RESULT_RULES)} - SETTLED.keys()


if _unsettled():  # pragma: no cover — a rule added to ingest_rules without its column step
    raise ImportError(f"no column step answers {sorted(_unsettled())}: add one to ingest_columns")
