"""Excel in: the establishment registry and survey returns, every row checked before any write.

One header row; a header may be the column key, its English label or the Chinese heading. Every
row is checked first (choices, numbers, the credit code's check character, the jurisdiction inside
the importer's area, duplicates in the workbook and in the registry); any error returns the list
of (row, column, reason) and nothing is written. The writes then go in one transaction (bulk
inserts for the registry, so a province's 200,000 rows take seconds, bench/reopening.py).
"""

from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from pingji.core import uploads
from pingji.core.access import scope_code
from pingji.core.context import current_actor
from pingji.core.events import record_event
from pingji.core.importing import REASON_CHARS, redact
from pingji.core.jobs import job
from pingji.core.spreadsheets import safe_row
from pingji.geo.models import Jurisdiction

from .actions import do_answer_survey
from .choices import SCHOOL_KINDS, Kind, OperatingState, Sector, Size, Status
from .credit import validate_credit_code
from .models import Establishment, Survey

#: A province's registry fits in one file; beyond that, split it by city.
MAX_ROWS = 250_000
BATCH = 2000
#: The widest header row read (the templates have ten columns; the rest is ignored).
MAX_COLUMNS = 64
#: Workbooks above this size (some 30,000 rows) are imported by a background job; smaller ones in
#: the request, so their errors show on the form at once.
LARGE_UPLOAD_BYTES = 2 * 1024 * 1024

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

CHINESE = {
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
CHOICES = {"kind": Kind, "sector": Sector, "size": Size, "state": OperatingState}


class CellError(Exception):
    pass


def _error(row, column, message) -> dict:
    return {"row": row, "column": str(column), "message": redact(message, REASON_CHARS)}


def read_sheet(source, columns, required) -> tuple[list[tuple[int, dict]], list[dict]]:
    """The data rows as (row number, {key: cell}) and the sheet-level errors."""
    try:
        uploads.check_xlsx(source)
    except ValidationError as exc:
        return [], [_error(None, "", exc.messages[0])]
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — zip, XML and format errors all mean "not a workbook"
        return [], [_error(None, "", _("The file is not an Excel workbook (.xlsx)."))]
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
    errors = [
        _error(1, labels[k], _("This column is missing.")) for k in required if k not in index
    ]
    rows: list[tuple[int, dict]] = []
    if not errors:
        for number, line in enumerate(lines, start=2):
            if not any(v not in (None, "") for v in line):
                continue
            if len(rows) == MAX_ROWS:
                errors.append(
                    _error(number, "", _("Import at most %(n)d rows at a time.") % {"n": MAX_ROWS})
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
    """Parse every row; (Establishment objects, errors). ``codes``: jurisdictions in the area."""
    labels = {k: lbl for k, lbl, _c in ESTABLISHMENT_COLUMNS}
    kinds, sectors, sizes = _vocabulary("kind"), _vocabulary("sector"), _vocabulary("size")
    parsers = {
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
    built, errors, seen_codes, seen_names = [], [], {}, {}
    for number, raw in rows:
        values, bad = {}, False
        for key, parse in parsers.items():
            try:
                values[key] = parse(raw.get(key))
            except (CellError, ValidationError) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else exc.args[0]
                errors.append(_error(number, labels[key], message))
                bad = True
        if bad:
            continue
        code = values.pop("jurisdiction")
        if code not in codes:
            errors.append(
                _error(
                    number,
                    labels["jurisdiction"],
                    _("No jurisdiction %(code)s in your area.") % {"code": code},
                )
            )
            continue
        if values["kind"] == Kind.ENTERPRISE and not values["credit_code"]:
            errors.append(
                _error(
                    number,
                    labels["credit_code"],
                    _("An enterprise is registered with its credit code."),
                )
            )
            continue
        if values["kind"] not in SCHOOL_KINDS and values["pupils"]:
            errors.append(
                _error(number, labels["pupils"], _("Only schools and kindergartens have pupils."))
            )
            continue
        credit = values["credit_code"]
        if credit and credit in seen_codes:
            errors.append(
                _error(
                    number,
                    labels["credit_code"],
                    _("Repeats row %(n)d.") % {"n": seen_codes[credit]},
                )
            )
            continue
        name_key = (code, values["kind"], values["name"])
        if name_key in seen_names:
            errors.append(
                _error(
                    number, labels["name"], _("Repeats row %(n)d.") % {"n": seen_names[name_key]}
                )
            )
            continue
        if credit:
            seen_codes[credit] = number
        seen_names[name_key] = number
        built.append((number, {**values, "jurisdiction_id": code}))
    errors += _registered(built, labels)
    return [e for _n, e in built], errors


def _registered(built, labels) -> list[dict]:
    """Rows already in the registry (by credit code, or by name in the same grid and kind)."""
    errors = []
    by_code = {e["credit_code"]: n for n, e in built if e["credit_code"]}
    codes = list(by_code)
    for i in range(0, len(codes), 900):
        for found in Establishment.objects.filter(credit_code__in=codes[i : i + 900]).values_list(
            "credit_code", flat=True
        ):
            errors.append(
                _error(
                    by_code[found],
                    labels["credit_code"],
                    _("An establishment with this credit code is already registered."),
                )
            )
    grids = {e["jurisdiction_id"] for _n, e in built}
    by_name = {(e["jurisdiction_id"], e["kind"], e["name"]): n for n, e in built}
    names = list({e["name"] for _n, e in built})
    for i in range(0, len(names), 900):
        existing = Establishment.objects.filter(
            name__in=names[i : i + 900], jurisdiction_id__in=grids
        )
        for key in existing.values_list("jurisdiction_id", "kind", "name"):
            if key in by_name:
                errors.append(
                    _error(
                        by_name[key], labels["name"], _("This establishment is already registered.")
                    )
                )
    return sorted(errors, key=lambda e: e["row"])


def _insert(rows: list[dict]) -> None:
    """Insert checked rows with one prepared statement run over all of them.

    ``bulk_create`` builds a model instance and prepares every field of every row in Python,
    which costs more than reading the workbook at a province's 200,000 rows (bench/reopening.py);
    the rows here are already checked, so each is only a tuple of its columns. Like
    ``bulk_create`` it sends no signals: the import is recorded as one domain event instead.
    """
    meta = Establishment._meta
    now = timezone.now()
    fixed = {
        "key": False,
        "status": Status.OPEN,
        "status_since": now,
        "created_at": now,
        "place_id": None,
        "liaison_id": None,
    }
    columns = [*rows[0], *fixed] if rows else []
    fields = [meta.get_field(c.removesuffix("_id")) for c in columns]
    prepared = [
        f.get_db_prep_save(fixed[c], connection)
        for c, f in zip(columns, fields, strict=True)
        if c in fixed
    ]
    table, quote = meta.db_table, connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    free = [c for c in columns if c not in fixed]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [[row[c] for c in free] + prepared for row in rows[start : start + BATCH]]
            )


def import_establishments(source, *, actor, area: Jurisdiction) -> dict:
    """Register every row of the workbook in ``area`` (inside the actor's area), or none."""
    own = scope_code(actor)
    if (
        own is None
        or not area.code.startswith(own)
        or not actor.has_perm("reopening.add_establishment")
    ):
        raise PermissionDenied(_("This area is outside yours."))
    rows, errors = read_sheet(source, ESTABLISHMENT_COLUMNS, ESTABLISHMENT_REQUIRED)
    result = {"rows": len(rows), "created": 0, "errors": errors}
    if errors:
        return result
    codes = set(Jurisdiction.objects.subtree(area.code).values_list("code", flat=True))
    built, errors = check_establishments(rows, area=area.code, codes=codes)
    if errors:
        result["errors"] = errors
        return result
    try:
        with transaction.atomic():
            _insert(built)
            record_event(
                "reopening.imported",
                _("%(n)d establishments imported") % {"n": len(built)},
                jurisdiction_code=area.code,
                actor=actor,
                payload={"rows": len(built)},
            )
    except IntegrityError:  # registered concurrently by someone else
        result["errors"] = [
            _error(None, "", _("Some rows were registered meanwhile; import again to see which."))
        ]
        return result
    result["created"] = len(built)
    return result


def import_returns(source, survey: Survey, *, actor) -> dict:
    """Record every row of a survey's Excel return (one transaction: all rows or none)."""
    rows, errors = read_sheet(source, RETURN_COLUMNS, RETURN_REQUIRED)
    result = {"rows": len(rows), "created": 0, "errors": errors}
    if errors:
        return result
    labels = {k: lbl for k, lbl, _c in RETURN_COLUMNS}
    visible = Establishment.objects.restrict(actor, "change")
    ids = []
    for _number, raw in rows:
        try:
            ids.append(_count(raw.get("establishment")))
        except CellError:
            pass
    known = visible.in_bulk(ids)
    states = _vocabulary("state")
    plans, seen = [], {}
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
            errors.append(_error(number, labels["establishment"], exc.args[0]))
            continue
        values, bad = {}, False
        for key, parse in (
            ("state", lambda v: _choice(states, "state", v)),
            ("staff_in_controlled_areas", _count),
            ("staff_in_quarantine", _count),
            ("supply_problem", lambda v: _text(v, 500)),
            ("permit_problem", lambda v: _text(v, 500)),
        ):
            try:
                values[key] = parse(raw.get(key))
            except CellError as exc:
                errors.append(_error(number, labels[key], exc.args[0]))
                bad = True
        if not bad:
            plans.append((number, est, values))
    if errors:
        return result
    try:
        with transaction.atomic():
            for number, est, values in plans:
                try:
                    do_answer_survey(survey, est, actor=actor, **values)
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        errors.append(_error(number, labels.get(field, field), " ".join(messages)))
                    raise
    except ValidationError:
        return result
    result["created"] = len(plans)
    return result


@job("reopening.import_establishments")
def import_establishments_job(progress, *, file: str, area: str) -> dict:
    """The background import of a large registry, as its uploader; the file is then deleted."""
    try:
        progress(0, 1, _("checking"))
        with uploads.opened(file, "registry.xlsx") as path, path.open("rb") as handle:
            result = import_establishments(
                handle, actor=current_actor(), area=Jurisdiction.objects.get(pk=area)
            )
        result["errors"] = result["errors"][:500]  # the job page lists the first 500
        progress(1, 1, _("Imported %(n)d establishments.") % {"n": result["created"]})
        return result
    finally:
        uploads.finish(file)


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
