"""Reading, checking and loading a divisions file (province → city → county → township)."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.audit import loading
from pingji.core.events import record_event
from pingji.core.messages import message

from ..choices import CODE_LENGTH, LEVEL_ORDER, Level
from ..contracts import DIVISIONS_LOADED
from ..models import Jurisdiction
from .common import DEFAULT_DIVISIONS, DivisionFileError, Problems, apportion, digest, scope_of

#: The file's level names → ours (the NBS "prefecture" is what the platform calls a city).
FILE_LEVELS = {
    "province": Level.PROVINCE,
    "prefecture": Level.CITY,
    "city": Level.CITY,
    "county": Level.COUNTY,
    "township": Level.TOWNSHIP,
}
REQUIRED_COLUMNS = ("code", "nbs_code", "name", "level", "parent_code")
OPTIONAL_COLUMNS = (
    "reporting_unit",
    "datav_adcode",
    "pop_2020_census",
    "pop_2020_census_source",
    "pop_2020_yearend_10k",
    "pop_2020_yearend_10k_source",
)
#: Which published figure a level prefers. Cities take the 2020 year-end estimate because all nine
#: have one (they sum to the province's year-end total); a census figure exists only for a few.
PREFERRED_FIGURE: dict[str, tuple[str, ...]] = {Level.CITY: ("yearend", "census")}
DEFAULT_FIGURE_ORDER = ("census", "yearend")


@dataclass
class Division:
    """One checked row of a divisions file, with the population the loader derives for it."""

    line: int
    code: str  # our hierarchical code: the file's nbs_code
    file_code: str  # the file's 6/9-digit code, which parent_code refers to
    name: str
    level: str
    parent_file_code: str
    reporting_label: str = ""
    datav_adcode: str = ""
    figures: dict[str, tuple[int, str]] = field(default_factory=dict)
    parent: str | None = None
    reporting_unit: str | None = None
    population: int = 0
    population_source: str = ""


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [(reader.line_num, row) for row in reader]
            header = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise DivisionFileError(
            _("%(file)s is not UTF-8 text (%(error)s).") % {"file": path.name, "error": exc}
        ) from exc
    except csv.Error as exc:
        raise DivisionFileError(
            _("%(file)s is not a readable CSV file (%(error)s).")
            % {"file": path.name, "error": exc}
        ) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DivisionFileError(
            _("%(file)s lacks the column(s) %(columns)s.")
            % {"file": path.name, "columns": ", ".join(missing)}
        )
    if not rows:
        raise DivisionFileError(_("%(file)s has no rows.") % {"file": path.name})
    return header, rows


def _parse_row(line: int, row: dict[str, str], problems: Problems) -> Division | None:
    value = {key: (row.get(key) or "").strip() for key in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    before = len(problems)
    if not value["name"]:
        problems.add(line, _("the name is missing."))
    level = FILE_LEVELS.get(value["level"])
    if level is None:
        problems.add(
            line,
            _("unknown level %(level)r (expected one of %(known)s)."),
            level=value["level"],
            known=", ".join(FILE_LEVELS),
        )
    code = value["nbs_code"]
    if not code.isdigit() or (level and len(code) != CODE_LENGTH[level]):
        problems.add(
            line,
            _("nbs_code %(code)r is not %(n)s digits."),
            code=code,
            n=CODE_LENGTH[level] if level else "2, 4, 6 or 9",
        )
    elif value["code"] != (code.ljust(6, "0") if len(code) <= 6 else code):
        problems.add(
            line, _("code %(code)s does not match nbs_code %(nbs)s."), code=value["code"], nbs=code
        )
    figures = {}
    for key, column, factor in (
        ("census", "pop_2020_census", 1),
        ("yearend", "pop_2020_yearend_10k", 10_000),
    ):
        raw = value[column].replace(",", "")
        if not raw:
            continue
        if not raw.isdigit():
            problems.add(
                line,
                _("%(column)s %(value)r is not a whole number."),
                column=column,
                value=value[column],
            )
            continue
        figures[key] = (int(raw) * factor, value[f"{column}_source"])
    if len(problems) > before or level is None:  # an unknown level is among the problems
        return None
    return Division(
        line=line,
        code=code,
        file_code=value["code"],
        name=value["name"],
        level=level,
        parent_file_code=value["parent_code"],
        reporting_label=value["reporting_unit"],
        datav_adcode=value["datav_adcode"],
        figures=figures,
    )


def _check_tree(rows: list[Division], problems: Problems) -> None:
    """Parents exist, form no loop, sit one level up, and prefix their children's codes."""
    by_file_code = {d.file_code: d for d in rows}
    in_loop: set[str] = set()
    for d in rows:
        path: list[str] = []
        node: Division | None = d
        while node is not None and node.file_code not in path:
            path.append(node.file_code)
            node = by_file_code.get(node.parent_file_code)
        if node is not None and node.file_code == d.file_code and d.file_code not in in_loop:
            in_loop.update(path)
            lines = ", ".join(str(by_file_code[c].line) for c in path)
            problems.add(
                d.line,
                _("its parents form a loop (%(cycle)s; lines %(lines)s)."),
                cycle=" → ".join([*path, d.file_code]),
                lines=lines,
            )
    for d in rows:
        if d.level == Level.PROVINCE:
            if d.parent_file_code:
                problems.add(
                    d.line,
                    _("a province has no parent (got %(parent)s)."),
                    parent=d.parent_file_code,
                )
            continue
        if d.file_code in in_loop:
            continue
        parent = by_file_code.get(d.parent_file_code)
        if not d.parent_file_code:
            problems.add(d.line, _("the parent code is missing."))
        elif parent is None:
            problems.add(
                d.line,
                _("unknown parent %(parent)s (no row has that code)."),
                parent=d.parent_file_code,
            )
        elif LEVEL_ORDER.index(parent.level) != LEVEL_ORDER.index(d.level) - 1:
            problems.add(
                d.line,
                _(
                    "a %(level)s cannot lie in a %(parent_level)s (%(parent)s, "
                    "line %(parent_line)d)."
                ),
                level=d.level,
                parent_level=parent.level,
                parent=parent.file_code,
                parent_line=parent.line,
            )
        elif not d.code.startswith(parent.code):
            problems.add(
                d.line,
                _(
                    "code %(code)s does not extend its parent's code %(parent)s "
                    "(line %(parent_line)d)."
                ),
                code=d.code,
                parent=parent.code,
                parent_line=parent.line,
            )
        else:
            d.parent = parent.code


def _assign_reporting_units(rows: list[Division]) -> None:
    """A division reports under its highest ancestor (below the province) with the same label.

    So a city and everything in it report under the city, while 平潭县, labelled 平潭综合实验区
    unlike 福州市 above it, becomes a reporting unit of its own for itself and its townships
    (docs/decisions/0002-pingtan-reporting-unit.md).
    """
    by_code = {d.code: d for d in rows}
    for d in rows:
        if d.level == Level.PROVINCE:
            continue
        chain = [d]
        while chain[-1].parent and by_code[chain[-1].parent].level != Level.PROVINCE:
            chain.append(by_code[chain[-1].parent])
        label = d.reporting_label or chain[-1].name
        top = next(n for n in reversed(chain) if (n.reporting_label or chain[-1].name) == label)
        d.reporting_unit = top.code


def _figure(d: Division) -> tuple[int, str] | None:
    for key in PREFERRED_FIGURE.get(d.level, DEFAULT_FIGURE_ORDER):
        if key in d.figures:
            number, source = d.figures[key]
            what = (
                _("7th national census, 1 Nov 2020")
                if key == "census"
                else _("2020 year-end estimate")
            )
            return number, f"{what} ({source})" if source else what
    return None


def _assign_populations(rows: list[Division], problems: Problems) -> None:
    """Top down: a published figure where there is one, else a share of the parent's remainder.

    The remainder is the parent's figure less its children that have their own (福州 less 平潭,
    莆田 less 仙游, 龙岩 less 上杭); it is shared in proportion to each child's number of townships,
    which makes townships equal shares of their county. Both shares are assumptions, and each row's
    ``population_source`` says so.
    """
    children: dict[str | None, list[Division]] = {}
    for d in rows:
        children.setdefault(d.parent, []).append(d)
    townships: dict[str, int] = {}
    for d in sorted(rows, key=lambda r: -len(r.code)):
        townships[d.code] = sum(townships[c.code] for c in children.get(d.code, [])) or 1

    def visit(d: Division) -> None:
        kids = children.get(d.code, [])
        own = {k.code: _figure(k) for k in kids}
        shared = [k for k in kids if not own[k.code]]
        remainder = d.population - sum(f[0] for f in own.values() if f)
        if shared and remainder < 0:
            problems.add(
                d.line,
                _(
                    "the published populations of %(name)s's parts exceed its "
                    "own (%(population)d), leaving nothing to share."
                ),
                name=d.name,
                population=d.population,
            )
            remainder = 0
        total_townships = sum(townships[k.code] for k in shared)
        shares = apportion(remainder, [townships[k.code] for k in shared])
        for k in kids:
            if figure := own[k.code]:
                k.population, k.population_source = figure
        for k, share in zip(shared, shares, strict=True):
            k.population = share
            if k.level == Level.TOWNSHIP:
                k.population_source = _(
                    "Assumption: an equal share of %(parent)s's population (1 of %(total)d "
                    "townships without a figure)."
                ) % {"parent": d.name, "total": total_townships}
            else:
                k.population_source = _(
                    "Assumption: %(parent)s's population less its parts with a published "
                    "figure, shared by number of townships (%(n)d of %(total)d)."
                ) % {"parent": d.name, "n": townships[k.code], "total": total_townships}
        for k in kids:
            k.population_source = k.population_source[:300]
            visit(k)

    for root in children.get(None, []):
        figure = _figure(root)
        root.population, root.population_source = figure or (0, _("No figure in the file."))
        root.population_source = root.population_source[:300]
        visit(root)


def read_divisions(path: Path | str = DEFAULT_DIVISIONS) -> list[Division]:
    """Parse and check a divisions file; raise ``DivisionFileError`` listing every problem."""
    path = Path(path)
    _header, raw_rows = _read_csv(path)
    problems = Problems()
    rows: list[Division] = []
    seen: dict[str, int] = {}
    for line, raw in raw_rows:
        d = _parse_row(line, raw, problems)
        if d is None:
            continue
        duplicate = next((seen[c] for c in (d.file_code, d.code) if c in seen), None)
        if duplicate is not None:
            problems.add(
                line,
                _("code %(code)s already appears on line %(first)d."),
                code=d.file_code,
                first=duplicate,
            )
            continue
        seen[d.file_code] = seen[d.code] = line
        rows.append(d)
    if not problems:
        if not any(d.level == Level.PROVINCE for d in rows):
            problems.add(path.name, _("the file has no province row."))
        _check_tree(rows, problems)
    if not problems:
        _assign_reporting_units(rows)
        _assign_populations(rows, problems)
    if problems:
        raise DivisionFileError(problems)
    return rows


def load_divisions(path: Path | str = DEFAULT_DIVISIONS) -> dict[str, int]:
    """Create or update the province → city → county → township rows of a divisions file."""
    path = Path(path)
    rows = sorted(read_divisions(path), key=lambda d: (len(d.code), d.code))
    codes = [d.code for d in rows]
    with transaction.atomic(), loading(f"divisions from {path.name}"):
        existing = set(Jurisdiction.objects.filter(code__in=codes).values_list("code", flat=True))
        Jurisdiction.objects.bulk_create(
            [
                Jurisdiction(
                    code=d.code,
                    name=d.name,
                    level=d.level,
                    parent_id=d.parent,
                    reporting_unit_id=d.reporting_unit,
                    population=d.population,
                    population_source=d.population_source,
                )
                for d in rows
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[
                "name",
                "level",
                "parent",
                "reporting_unit",
                "population",
                "population_source",
            ],
        )
        result = {"rows": len(rows), "created": len(rows) - len(existing), "updated": len(existing)}
        record_event(
            DIVISIONS_LOADED,
            message(
                gettext_noop(
                    "Divisions loaded from %(file)s: %(created)d new, %(updated)d updated."
                ),
                {"file": path.name, **result},
            ),
            jurisdiction_code=scope_of(codes),
            payload={"file": path.name, "sha256": digest(path), **result},
        )
    return result
