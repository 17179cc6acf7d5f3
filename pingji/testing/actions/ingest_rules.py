"""What a sampling or results file of a round is checked against: each rule stated once.

Two passes read an upload. The row pass (``ingest``) asks every rule of every row in SQL and
reports each failure with its row, field and reason; the column pass (``ingest_columns``) asks each
rule once of whole columns, as a yes/no question, and is what a city round's clean file takes (ten
million samples: the per-row report alone would take minutes). Both are built from this module:

- the **columns** a file has (``HEADERS``, ``Layout``: which are needed, which one of several);
- the **formats** and **ranges** (``BARCODE``, ``ID_NUMBER``, ``TIME_FORMATS``, ``RESULT_WORDS``;
  not before the round, known points, at most ``max_per_tube`` people in a tube) and the SQL that
  reads a cell the way both passes read it (``text_sql``, ``time_sql``…);
- the **rules** (``SAMPLING_RULES``, ``RESULT_RULES``): each one's field, code, reason, the SQL that
  finds the rows failing it (the row pass runs exactly these) and the ``Step`` of the column pass
  that settles it. The column pass registers one check per ``Step`` and refuses to import if a rule
  names a step it lacks, so a rule added here cannot be skipped by the fast path;
- what a **doubt** is (``DOUBTS``): the column pass never refuses. When a file is not in the one
  plain form it reads, or a value is not already what the row pass would make of it, or a rule
  might fail, it raises ``Doubt`` and the row pass decides and reports. So the column pass is
  stricter than or equal to the row pass by construction: it writes only files on which every rule
  holds, and then exactly the rows the row pass would write.

This module needs no ORM and no database: the benchmark drives the same functions at city scale.
"""

import datetime
import enum
from dataclasses import dataclass, field
from string import Template

from django.utils.translation import gettext as _

from ..store import RESULTS, SAMPLES


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
    sha256: str = ""  # of the file, when the caller knows it (the upload's); else read here


# --- columns ---------------------------------------------------------------------------------

#: The headers each column is recognised by (lower case): the English names and the Chinese
#: headings sampling systems and laboratories export.
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


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file.

    ``needed`` must all be there and one of ``one_of`` (when given) too, else the file is refused
    whole. The column pass reads only files with every column of ``plain`` and none of
    ``doubtful``: identity numbers must be hashed and looked up, which is the row pass's work.
    """

    dataset: str
    needed: tuple[str, ...]
    one_of: tuple[str, ...] = ()
    plain: tuple[str, ...] = ()
    doubtful: tuple[str, ...] = ()


SAMPLING = Layout(
    SAMPLES,
    needed=("barcode", "sampled_at"),
    one_of=("person", "id_number"),
    plain=("barcode", "person", "sampled_at"),
    doubtful=("id_number",),
)
RESULT_FILE = Layout(RESULTS, needed=("barcode", "result", "resulted_at"))


def header_map(names: list[str]) -> dict[str, str]:
    """Column → the file's header for it (the first header that names it, case and spaces aside)."""
    found: dict[str, str] = {}
    for name in names:
        for target, aliases in HEADERS.items():
            if name.strip().lower() in aliases and target not in found:
                found[target] = name
    return found


# --- formats and ranges ----------------------------------------------------------------------

#: Tube barcodes as printed by the sampling systems of 2021–22: 6–32 letters and digits.
BARCODE = "[A-Z0-9]{6,32}"
#: A resident identity number: 17 digits, then a digit or X (the check character).
ID_NUMBER = "[0-9]{17}[0-9X]"
#: The times files write (local wall-clock); DuckDB's ``try_strptime`` tries them in order.
TIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M"]
#: A laboratory's word for a result (lower case) → the result stored.
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


def text_sql(columns: dict, name: str) -> str:
    """A cell as text, trimmed, empty read as NULL (a missing column: all NULL)."""
    if name not in columns:
        return "CAST(NULL AS VARCHAR)"
    return f"NULLIF(TRIM(CAST(\"{columns[name]}\" AS VARCHAR)), '')"


def barcode_sql(columns: dict) -> str:
    """A barcode cell as the row pass stores it: trimmed, upper case."""
    return f"UPPER({text_sql(columns, 'barcode')})"


def id_number_sql(columns: dict) -> str:
    """An identity number as it is hashed: spaces and dashes dropped, upper case."""
    return f"NULLIF(UPPER(regexp_replace({text_sql(columns, 'id_number')}, '[\\s-]', '', 'g')), '')"


def time_sql(columns: dict, types: dict, name: str) -> str:
    """A time cell parsed by ``TIME_FORMATS`` (a Parquet timestamp column as it is); NULL when it
    does not parse. Both passes parse times with this very expression, since Arrow's own
    ``strptime`` accepts days such as 31 September."""
    if types.get(columns.get(name, "")) == "TIMESTAMP":
        return f'"{columns[name]}"'
    return f"try_strptime({text_sql(columns, name)}, {TIME_FORMATS!r})"


def result_sql(columns: dict) -> str:
    """The lower-cased result word, as looked up in ``RESULT_WORDS``."""
    return f"LOWER({text_sql(columns, 'result')})"


# --- what a doubt is -------------------------------------------------------------------------

#: Why the column pass hands a file to the row pass before asking any rule.
DOUBTS = {
    "not_plain_csv": "Parquet, not UTF-8, a byte-order mark, a blank or repeated header, an empty "
    "line, a line break inside a value, or no data row: the row pass reads these and names the row",
    "layout": "a column the column pass does not read (identity numbers), or one it needs missing",
    "not_clean": "a value the row pass would trim, upper-case, parse or refuse",
}


class Doubt(Exception):
    """The file is not plainly clean: the row pass decides and reports.

    ``why`` is a key of ``DOUBTS``, or the ``Step`` whose question could not be answered yes.
    """

    def __init__(self, why: "str | Step"):
        super().__init__(str(why))
        self.why = why


# --- the rules -------------------------------------------------------------------------------


class Step(enum.StrEnum):
    """The questions the column pass asks of whole columns; each settles one or more rules."""

    BARCODES = "every barcode already a clean tube barcode"
    PERSONS = "every person an ASCII number"
    TIMES = "every time parses"
    NOT_BEFORE_ROUND = "no time before the round"
    POINTS = "every point a known point (none empty)"
    TARGETS_ONCE = "every person a target of the round, each once in the file"
    TUBE_SIZE = "no tube holds more people than the round allows"
    HOUSEHOLDS = "no household tube mixes households"
    EARLIER_FILES = "no tube or person already taken by an earlier file"
    RESULT_WORDS = "every result a result word as written"
    TUBES_ONCE = "every tube once in the file"
    KNOWN_TUBES = "every tube sampled in this round, none resulted before"
    LAYOUT = "identity numbers go to the row pass"


@dataclass(frozen=True)
class Rule:
    """One reason a row is refused.

    ``where`` selects the failing rows from ``source`` (the file's rows, staged as ``rows``, and
    what the row pass joined to them); ``detail`` is the value the reason quotes (``%(v)s``).
    ``$start``, ``$max_per_tube`` and ``$round_id`` are the round's. ``only_if`` names a flag of
    ``Rules`` the rule applies under. ``step`` is the column pass's question that settles it.
    """

    field: str
    code: str
    where: str
    step: Step
    detail: str = "NULL"
    source: str = "rows"
    rownum: str = "rownum"
    only_if: str = ""


def rules_sql(rules: tuple[Rule, ...], params: Rules) -> str:
    """The rows failing any rule, as (rownum, field, code, detail): the row pass's whole check."""
    values = {
        "start": params.starts_at.replace(tzinfo=None).isoformat(sep=" "),
        "max_per_tube": params.max_per_tube,
        "round_id": params.round_id,
    }
    parts = []
    for n, rule in enumerate(r for r in rules if not r.only_if or getattr(params, r.only_if)):
        names = (" AS field", " AS code", " AS detail") if n == 0 else ("", "", "")
        parts.append(
            f"SELECT {rule.rownum}, '{rule.field}'{names[0]}, '{rule.code}'{names[1]}, "
            f"{rule.detail}{names[2]} FROM {rule.source} WHERE "
            + Template(rule.where).substitute(values)
        )
    return "\nUNION ALL ".join(parts)


#: Every file's tubes: a barcode, and one of the right form.
BARCODE_RULES = (
    Rule("barcode", "missing", "barcode IS NULL", Step.BARCODES),
    Rule(
        "barcode",
        "bad_barcode",
        f"barcode IS NOT NULL AND NOT regexp_full_match(barcode, '{BARCODE}')",
        Step.BARCODES,
        detail="barcode",
    ),
)

SAMPLING_RULES = (
    *BARCODE_RULES,
    Rule("person", "no_person", "person_raw IS NULL AND id IS NULL", Step.PERSONS),
    Rule(
        "person",
        "bad_person",
        "person_raw IS NOT NULL AND TRY_CAST(person_raw AS BIGINT) IS NULL",
        Step.PERSONS,
        detail="person_raw",
    ),
    Rule(
        "id_number",
        "bad_id",
        f"person_raw IS NULL AND id IS NOT NULL AND NOT regexp_full_match(id, '{ID_NUMBER}')",
        Step.LAYOUT,
        detail="id",
    ),
    Rule(
        "person",
        "not_target",
        "pid IS NULL AND (TRY_CAST(person_raw AS BIGINT) IS NOT NULL "
        f"OR (person_raw IS NULL AND regexp_full_match(id, '{ID_NUMBER}')))",
        Step.TARGETS_ONCE,
        detail="COALESCE(person_raw, '')",
    ),
    Rule("sampled_at", "missing", "sampled_raw IS NULL AND sampled IS NULL", Step.TIMES),
    Rule(
        "sampled_at",
        "bad_time",
        "sampled_raw IS NOT NULL AND sampled IS NULL",
        Step.TIMES,
        detail="sampled_raw",
    ),
    Rule(
        "sampled_at",
        "before_round",
        "sampled < TIMESTAMP '$start'",
        Step.NOT_BEFORE_ROUND,
        detail="CAST(sampled AS VARCHAR)",
    ),
    Rule(
        "point",
        "bad_point",
        "point_raw IS NOT NULL "
        "AND COALESCE(TRY_CAST(point_raw AS BIGINT) NOT IN (SELECT id FROM points), true)",
        Step.POINTS,
        detail="point_raw",
    ),
    Rule(
        "row",
        "duplicate",
        "d.n > 1 AND r.rownum > d.first",
        Step.TARGETS_ONCE,
        detail="CAST(d.first AS VARCHAR)",
        source="rows r JOIN pairs d ON d.barcode = r.barcode AND d.pid = r.pid",
        rownum="r.rownum",
    ),
    Rule(
        "person",
        "two_pools",
        "r.barcode <> p.first_barcode",
        Step.TARGETS_ONCE,
        detail="p.first_barcode",
        source="rows r JOIN per_pid p ON p.pid = r.pid",
        rownum="r.rownum",
    ),
    Rule(
        "person",
        "already_sampled",
        "true",
        Step.EARLIER_FILES,
        detail="t.barcode",
        source="rows r JOIN taken t ON t.person_id = r.pid",
        rownum="r.rownum",
    ),
    Rule(
        "barcode",
        "barcode_used",
        "r.barcode IN (SELECT barcode FROM samples)",
        Step.EARLIER_FILES,
        detail="r.barcode",
        source="rows r",
        rownum="r.rownum",
    ),
    Rule(
        "barcode",
        "tube_too_big",
        "b.n > $max_per_tube",
        Step.TUBE_SIZE,
        detail="CAST(b.n AS VARCHAR)",
        source="rows r JOIN per_tube b USING (barcode)",
        rownum="r.rownum",
    ),
    Rule(
        "barcode",
        "mixed_households",
        "b.mixed",
        Step.HOUSEHOLDS,
        source="rows r JOIN per_tube b USING (barcode)",
        rownum="r.rownum",
        only_if="by_household",
    ),
)

RESULT_RULES = (
    *BARCODE_RULES,
    Rule(
        "barcode",
        "unknown_tube",
        f"regexp_full_match(barcode, '{BARCODE}') AND barcode NOT IN (SELECT barcode FROM tubes)",
        Step.KNOWN_TUBES,
        detail="barcode",
    ),
    Rule("result", "missing", "result_raw IS NULL", Step.RESULT_WORDS),
    Rule(
        "result",
        "bad_result",
        "result_raw IS NOT NULL AND result IS NULL",
        Step.RESULT_WORDS,
        detail="result_raw",
    ),
    Rule("resulted_at", "missing", "at_raw IS NULL AND res_at IS NULL", Step.TIMES),
    Rule(
        "resulted_at",
        "bad_time",
        "at_raw IS NOT NULL AND res_at IS NULL",
        Step.TIMES,
        detail="at_raw",
    ),
    Rule(
        "row",
        "duplicate",
        "rownum > first",
        Step.TUBES_ONCE,
        detail="CAST(first AS VARCHAR)",
        source="(SELECT rownum, min(rownum) OVER (PARTITION BY barcode) AS first FROM rows "
        "WHERE barcode IS NOT NULL)",
    ),
    Rule(
        "barcode",
        "already_resulted",
        "barcode IN (SELECT barcode FROM results WHERE round_id = $round_id)",
        Step.KNOWN_TUBES,
        detail="barcode",
    ),
)


def sampling_reasons(params: Rules) -> dict[str, str]:
    """The reason of each sampling rule's code (``%(v)s``: the value quoted)."""
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
        + f" ({params.max_per_tube})",
        "mixed_households": _("a household tube holds people of different households%(v)s"),
    }


def result_reasons() -> dict[str, str]:
    """The reason of each results rule's code."""
    return {
        "missing": _("empty"),
        "bad_barcode": _("not a tube barcode (6–32 letters and digits): %(v)s"),
        "unknown_tube": _("no tube %(v)s was sampled in this round"),
        "bad_result": _("not a result (negative, positive, invalid; 阴性, 阳性, 无效): %(v)s"),
        "bad_time": _("not a date and time (YYYY-MM-DD HH:MM[:SS]): %(v)s"),
        "duplicate": _("duplicate tube: the same barcode as row %(v)s"),
        "already_resulted": _("tube %(v)s already has a result from an earlier file"),
    }


def missing_column(name: str) -> str:
    """The reason of a file refused whole for lacking a column: the headers that name it."""
    return _("missing column (accepted headers: %(h)s)") % {"h": ", ".join(HEADERS[name])}
