"""Reading a pushed list (CSV, Excel or a JSON body) into records under one set of column names.

The bureau's exports name their columns in Chinese, our own API in English; both are accepted
(``COLUMNS``). Reading never writes: it yields ``(line, {column: text})`` and leaves every check of
a row's content to ``checks``, so a file and an API body are judged by the same rules. What refuses
the file as a whole — too large, not a workbook, a required column missing, too many rows — is a
``ValidationError`` on ``file`` before any row is looked at.
"""

import hashlib
import json
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingji.core import uploads
from pingji.core.importing import csv_records, text_of

from .choices import PushKind

#: Rows per push: a day's national list for a province stays well under it.
MAX_ROWS = 1_000_000
#: Our column -> the names the bureau's exports use for it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("id_number", "身份证号", "证件号码", "身份证号码"),
    "name": ("name", "姓名"),
    "phone": ("phone", "手机号", "联系电话", "手机号码"),
    "region": ("region", "现住址区划代码", "区划代码"),
    "colour": ("colour", "color", "赋码颜色", "码色"),
    "at": ("at", "赋码时间", "伴随开始时间", "抵达时间", "时间"),
    "until": ("until", "伴随结束时间"),
    "reference": ("reference", "关联对象", "伴随地点", "来源地区", "来源风险区"),
}
#: The columns each kind must have.
REQUIRED: dict[str, tuple[str, ...]] = {
    PushKind.CODE_LIST: ("id_number", "colour", "at"),
    PushKind.COMPANION: ("id_number", "at"),
    PushKind.ARRIVAL: ("id_number", "at", "reference"),
}
_ALIAS = {alias.lower(): ours for ours, names in COLUMNS.items() for alias in names}


def canonical(header: str) -> str:
    """Our name of a column (a bureau alias or ours), or the header as given."""
    return _ALIAS.get(str(header or "").strip().lower(), str(header or "").strip())


def content_hash_of_file(file) -> str:
    """SHA-256 of an uploaded file's bytes, read in chunks (what "the same file" means)."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in (
        file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b"")
    ):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def content_hash_of_rows(rows: list[dict]) -> str:
    """SHA-256 of an API body's rows in a canonical JSON form (key order does not matter)."""
    text = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _missing(kind: str, fields) -> None:
    required = REQUIRED[kind]
    if not set(required) <= set(fields):
        message = _("The file needs the columns %(columns)s.")
        raise ValidationError({"file": message % {"columns": ", ".join(required)}})


def file_records(file, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The records of a CSV or .xlsx upload, refused whole when the file cannot be read."""
    uploads.check_size(file)
    name = (getattr(file, "name", "") or "").lower()
    if name.endswith(".xlsx"):
        return list(_xlsx_records(file, kind))
    with text_of(file) as handle:
        raw = csv_records(handle, (), MAX_ROWS)
        first = next(raw, None)
        if first is None:
            raise ValidationError({"file": _("The file has no rows.")})
        records = [first, *raw]
    out = [(n, {canonical(k): v for k, v in cells.items()}) for n, cells in records]
    _missing(kind, out[0][1])
    return out


def _xlsx_records(file, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        uploads.check_xlsx(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    book = load_workbook(file, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [canonical(h) for h in next(rows, ())]
        _missing(kind, header)
        for n, values in enumerate(rows, start=2):
            if n > MAX_ROWS + 1:
                raise ValidationError(
                    {"file": _("At most %(n)s rows at a time.") % {"n": MAX_ROWS}}
                )
            cells = ["" if v is None else str(v) for v in values]
            if any(c.strip() for c in cells):
                yield n, dict(zip(header, cells, strict=False))
    finally:
        book.close()


def api_records(rows, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The records of an API body (a list of objects); line n is the n-th object, from 1."""
    if not isinstance(rows, list) or not rows:
        raise ValidationError({"rows": _("Send a non-empty list of rows.")})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"rows": _("At most %(n)s rows at a time.") % {"n": MAX_ROWS}})
    out = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            row = {}
        out.append((n, {canonical(k): "" if v is None else str(v) for k, v in row.items()}))
    fields = set().union(*(cells for _n, cells in out))
    try:
        _missing(kind, fields)
    except ValidationError as exc:
        raise ValidationError({"rows": exc.message_dict["file"]}) from None
    return out
