"""Excel in and out of the registry: sheets read, every row checked, templates written.

One header row; a header may be the column key, its English label or the Chinese heading. Every
row is checked here before anything is written (choices, numbers, the credit code's check
character, the jurisdiction inside the importer's area, duplicates in the workbook and in the
registry); any error returns the list of (row, column, reason). The writes that follow a clean
check are the import actions' (``actions.imports``).
"""

from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from pingji.core import uploads
from pingji.core.importing import REASON_CHARS, redact
from pingji.core.spreadsheets import safe_row

from .choices import SCHOOL_KINDS, Kind, OperatingState, Sector, Size
from .credit import validate_credit_code
from .models import Establishment, Survey

#: A province's registry fits in one file; beyond that, split it by city.
MAX_ROWS = 250_000
#: The widest header row read (the templates have ten columns; the rest is ignored).
MAX_COLUMNS = 64

ESTABLISHMENT_COLUMNS = (
    ("kind", gettext_lazy("kind"), ("类型", "类别")),
    ("name", gettext_lazy("name"), ("名称", "单位名称")),
    ("credit_code", gettext_lazy("unified social credit code"), ("统一社会信用代码", "信用代码")),
    ("sector", gettext_lazy("sector"), ("行业",)),
    ("size", gettext_lazy("size"), ("规模",)),
    ("workforce", gettext_lazy("workforce"), ("职工人数", "员工人数")),
    ("grades", gettext_lazy("grades"), ("年级", "学段")),
    ("pupils", gettext_lazy("pupils"), ("学生人数", "在校生")),
    ("address", gettext_lazy("address"), ("地址",)),
    ("jurisdiction", gettext_lazy("jurisdiction code"), ("区划代码", "所属区划")),
)
ESTABLISHMENT_REQUIRED = ("kind", "name", "sector", "jurisdiction")

RETURN_COLUMNS = (
    ("establishment", gettext_lazy("establishment id"), ("单位编号",)),
    ("state", gettext_lazy("state"), ("状态", "生产经营状态")),
    (
        "staff_in_controlled_areas",
        gettext_lazy("staff stuck in controlled areas"),
        ("滞留管控区员工",),
    ),
    ("staff_in_quarantine", gettext_lazy("staff in quarantine"), ("隔离员工",)),
    ("supply_problem", gettext_lazy("supply-chain problem"), ("供应链问题",)),
    ("permit_problem", gettext_lazy("permit problem"), ("证照问题",)),
)
RETURN_REQUIRED = ("establishment", "state")

CHINESE: dict[str, dict[str, str]] = {
    "kind": {
        "企业": Kind.ENTERPRISE,
        "商铺": Kind.SHOP,
        "门店": Kind.SHOP,
        "市场": Kind.MARKET,
        "学校": Kind.SCHOOL,
        "幼儿园": Kind.KINDERGARTEN,
        "场所": Kind.VENUE,
    },
    "size": {"大型": Size.LARGE, "中型": Size.MEDIUM, "小型": Size.SMALL, "微型": Size.MICRO},
    "state": {
        "停工": OperatingState.CLOSED,
        "关闭": OperatingState.CLOSED,
        "部分复工": OperatingState.PARTLY,
        "正常": OperatingState.WORKING,
        "已复工": OperatingState.WORKING,
    },
}
CHOICES: dict[str, type[models.TextChoices]] = {
    "kind": Kind,
    "sector": Sector,
    "size": Size,
    "state": OperatingState,
}


class CellError(Exception):
    """A cell that does not parse; its message is the reason shown against the row and column."""


def error(row, column, message) -> dict:
    """One problem of a workbook, as the import page and the job list it: row, column, reason."""
    return {"row": row, "column": str(column), "message": redact(message, REASON_CHARS)}


def read_sheet(source, columns, required) -> tuple[list[tuple[int, dict]], list[dict]]:
    """The data rows as (row number, {key: cell}) and the sheet-level errors."""
    try:
        uploads.check_xlsx(source)
    except ValidationError as exc:
        return [], [error(None, "", exc.messages[0])]
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — zip, XML and format errors all mean "not a workbook"
        return [], [error(None, "", _("The file is not an Excel workbook (.xlsx)."))]
    known = {}
    for key, label, chinese in columns:
        for name in (key, str(label), label._args[0] if hasattr(label, "_args") else "", *chinese):
            if name:
                known[str(name).strip().lower()] = key
    sheet = book.worksheets[0]
    # Explicit column bounds: without them read-only openpyxl parses the whole sheet once more
    # just to find its width (files written by openpyxl carry no dimension tag).
    header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), None) or ()
    while header and header[-1] in (None, ""):
        header = header[:-1]
    lines = sheet.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True)
    index = {}
    for i, cell in enumerate(header):
        key = known.get(str(cell or "").strip().lower())
        if key and key not in index:
            index[key] = i
    labels = {k: lbl for k, lbl, _c in columns}
    errors = [error(1, labels[k], _("This column is missing.")) for k in required if k not in index]
    rows: list[tuple[int, dict]] = []
    if not errors:
        for number, line in enumerate(lines, start=2):
            if not any(v not in (None, "") for v in line):
                continue
            if len(rows) == MAX_ROWS:
                errors.append(
                    error(number, "", _("Import at most %(n)d rows at a time.") % {"n": MAX_ROWS})
                )
                break
            rows.append((number, {k: line[i] if i < len(line) else None for k, i in index.items()}))
    book.close()
    return rows, errors


def _text(value, limit: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise CellError(_("This cell is required."))
    if len(text) > limit:
        raise CellError(_("At most %(n)d characters.") % {"n": limit})
    return text


def _vocabulary(key: str) -> dict[str, str]:
    """Codes, labels (English and the active language) and Chinese terms → code, lower-cased.

    Built once per import rather than per cell: translating every label for every cell of a
    200,000-row workbook costs more than reading it.
    """
    words = {}
    for member in CHOICES[key]:
        words[member.value] = member.value
        words[str(member.label).lower()] = member.value
        words[str(getattr(member.label, "_args", [""])[0]).lower() or member.value] = member.value
    words.update(CHINESE.get(key, {}))
    return words


def _choice(words: dict[str, str], key: str, value, required: bool = True) -> str:
    text = _text(value, 60, required)
    if not text:
        return ""
    found = words.get(text.lower()) or words.get(text)
    if found is None:
        raise CellError(_("Not one of: %(values)s") % {"values": ", ".join(CHOICES[key].values)})
    return found


def _count(value) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise CellError(_("Give a whole number."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise CellError(_("Give a whole number of 0 or more."))
    return value


def _code(value) -> str:
    text = _text(value if not isinstance(value, float) else int(value), 15, True)
    return text


def check_establishments(rows, *, area: str, codes: set[str]) -> tuple[list, list[dict]]:
    """Parse every row; (establishments as field values, errors). ``codes``: jurisdictions in the
    area. Every row is checked, so the importer gets the whole list of problems in one go."""
    labels = {k: lbl for k, lbl, _c in ESTABLISHMENT_COLUMNS}
    parsers = _establishment_parsers()
    built: list[tuple[int, dict[str, Any]]] = []
    errors: list[dict] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[str, str, str], int] = {}
    for number, raw in rows:
        values, bad = parse_row(number, raw, parsers, labels)
        if bad:
            errors += bad
            continue
        code = values.pop("jurisdiction")
        problem = _row_problem(values, code, codes, seen_codes, seen_names)
        if problem is not None:
            column, message = problem
            errors.append(error(number, labels[column], message))
            continue
        if values["credit_code"]:
            seen_codes[values["credit_code"]] = number
        seen_names[(code, values["kind"], values["name"])] = number
        built.append((number, {**values, "jurisdiction_id": code}))
    clashes, same = _registered(built, labels)
    return [e for n, e in built if n not in same], errors + clashes


def _establishment_parsers() -> dict:
    """Column key → the parser of its cell (each raises ``CellError`` or ``ValidationError``).

    The vocabularies are built once per import, not per cell (``_vocabulary``).
    """
    kinds, sectors, sizes = _vocabulary("kind"), _vocabulary("sector"), _vocabulary("size")
    return {
        "kind": lambda v: _choice(kinds, "kind", v),
        "name": lambda v: _text(v, 200, True),
        "credit_code": lambda v: validate_credit_code(str(v)) if v not in (None, "") else None,
        "sector": lambda v: _choice(sectors, "sector", v),
        "size": lambda v: _choice(sizes, "size", v, required=False),
        "workforce": _count,
        "grades": lambda v: _text(v, 60),
        "pupils": _count,
        "address": lambda v: _text(v, 300),
        "jurisdiction": _code,
    }


def parse_row(number: int, raw: dict, parsers: dict, labels: dict) -> tuple[dict, list[dict]]:
    """The row's values by column key, and an error for each cell that does not parse.

    Every cell is parsed even after a bad one, so a row's problems are all listed at once.
    """
    values: dict[str, Any] = {}
    errors = []
    for key, parse in parsers.items():
        try:
            values[key] = parse(raw.get(key))
        except (CellError, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else exc.args[0]
            errors.append(error(number, labels[key], message))
    return values, errors


def _row_problem(values: dict, code: str, codes: set[str], seen_codes: dict, seen_names: dict):
    """The first rule a parsed row breaks, as (column key, reason), or None.

    The rules registration applies one by one (``actions.registry.clean_establishment``), checked
    here on plain values so a province's workbook is not turned into 200,000 model instances; a
    repeat within the workbook names the row it repeats.
    """
    if code not in codes:
        return "jurisdiction", _("No jurisdiction %(code)s in your area.") % {"code": code}
    if values["kind"] == Kind.ENTERPRISE and not values["credit_code"]:
        return "credit_code", _("An enterprise is registered with its credit code.")
    if values["kind"] not in SCHOOL_KINDS and values["pupils"]:
        return "pupils", _("Only schools and kindergartens have pupils.")
    credit = values["credit_code"]
    if credit and credit in seen_codes:
        return "credit_code", _("Repeats row %(n)d.") % {"n": seen_codes[credit]}
    name_key = (code, values["kind"], values["name"])
    if name_key in seen_names:
        return "name", _("Repeats row %(n)d.") % {"n": seen_names[name_key]}
    return None


def _registered(built, labels) -> tuple[list[dict], set[int]]:
    """Rows already in the registry (by credit code, or by name in the same grid and kind): the
    errors of rows that clash with another establishment, and the rows that are that very
    establishment (same grid, kind and name), registered before and left as they are — so a
    workbook imported twice registers each row once (docs/decisions/0039)."""
    errors, same = [], set()
    by_code = {e["credit_code"]: (n, e) for n, e in built if e["credit_code"]}
    codes = list(by_code)
    for i in range(0, len(codes), 900):
        found = Establishment.objects.filter(credit_code__in=codes[i : i + 900])
        for code, *identity in found.values_list("credit_code", "jurisdiction_id", "kind", "name"):
            number, row = by_code[code]
            if identity == [row["jurisdiction_id"], row["kind"], row["name"]]:
                same.add(number)
                continue
            message = _("An establishment with this credit code is already registered.")
            errors.append(error(number, labels["credit_code"], message))
    grids = {e["jurisdiction_id"] for _n, e in built}
    by_name = {(e["jurisdiction_id"], e["kind"], e["name"]): (n, e) for n, e in built}
    names = list({e["name"] for _n, e in built})
    for i in range(0, len(names), 900):
        existing = Establishment.objects.filter(
            name__in=names[i : i + 900], jurisdiction_id__in=grids
        )
        for grid, kind, name, code in existing.values_list(
            "jurisdiction_id", "kind", "name", "credit_code"
        ):
            number, row = by_name.get((grid, kind, name), (None, None))
            if row is None or number in same:
                continue
            if not row["credit_code"] or row["credit_code"] == code:
                same.add(number)
                continue
            message = _("This establishment is already registered.")
            errors.append(error(number, labels["name"], message))
    return sorted(errors, key=lambda e: e["row"]), same


def check_returns(rows, known: dict[int, Establishment]) -> tuple[list[tuple], list[dict]]:
    """Parse every row of a survey return; ([(row, establishment, values)], errors).

    ``known``: the establishments the importer may answer for, by id. An id outside them reads as
    absent (nothing tells another county's establishment from a wrong number), and each
    establishment answers once per workbook.
    """
    labels = {k: lbl for k, lbl, _c in RETURN_COLUMNS}
    states = _vocabulary("state")
    parsers = {
        "state": lambda v: _choice(states, "state", v),
        "staff_in_controlled_areas": _count,
        "staff_in_quarantine": _count,
        "supply_problem": lambda v: _text(v, 500),
        "permit_problem": lambda v: _text(v, 500),
    }
    plans: list[tuple[int, Establishment, dict[str, Any]]] = []
    errors: list[dict] = []
    seen: dict[int, int] = {}
    for number, raw in rows:
        try:
            pk = _count(raw.get("establishment"))
            est = known.get(pk)
            if est is None:
                raise CellError(_("No establishment %(id)s in your area.") % {"id": pk})
            if pk in seen:
                raise CellError(_("Repeats row %(n)d.") % {"n": seen[pk]})
            seen[pk] = number
        except CellError as exc:
            errors.append(error(number, labels["establishment"], exc.args[0]))
            continue
        values, bad = parse_row(number, raw, parsers, labels)
        errors += bad
        if not bad:
            plans.append((number, est, values))
    return plans, errors


def establishment_ids(rows) -> list[int]:
    """The establishment ids a return names (unreadable ones left out): loaded in one query."""
    ids = []
    for _number, raw in rows:
        try:
            ids.append(_count(raw.get("establishment")))
        except CellError:
            pass
    return ids


def _workbook(columns, rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(safe_row(str(label) for _k, label, _c in columns))
    for row in rows:
        sheet.append(safe_row(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def establishment_template() -> bytes:
    return _workbook(ESTABLISHMENT_COLUMNS)


def return_template(survey: Survey, establishments) -> bytes:
    """The return form of a survey: one row per establishment asked, its id filled in."""
    return _workbook(RETURN_COLUMNS, ([e.pk, "", 0, 0, "", ""] for e in establishments))
