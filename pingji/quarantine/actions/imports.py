"""Import of test results from the laboratory's list: every row checked before anything is written.

Columns (a header row; English names or the Chinese headings laboratories use): identity number
(身份证号), sampling time (采样时间), result (检测结果: 阴性/阳性, negative/positive). Each person
is found by the identity number's keyed hash among the persons the importer can see and must be
under an active placement. Any bad row returns the list of (row, column, reason) with nothing
written; the writes then run in one transaction, so a row refused at the last moment (a result
recorded a moment before by someone else) still leaves nothing. A positive row reports a case, so
a file with one is recorded only when the importer confirms it.
"""

import datetime
import io
from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pingji.core import clock, uploads
from pingji.core.actions import local_date
from pingji.core.importing import REASON_CHARS, Refused, csv_rows, redact, text_of
from pingji.people.models import Person

from ..choices import TestStatus
from .monitoring import do_record_result
from .placement import active_placement

MAX_ROWS = 5000
#: 5,000 rows of three short columns are some 300 KB; a few MB leaves room for a wide .xlsx.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
HEADERS = {
    "id_number": ("id_number", "identity number", "身份证号", "身份证号码", "证件号码"),
    "sampled_at": ("sampled_at", "sampling time", "sampled at", "采样时间"),
    "result": ("result", "检测结果", "结果"),
}
RESULT_TERMS = {
    "negative": TestStatus.NEGATIVE,
    "阴性": TestStatus.NEGATIVE,
    "positive": TestStatus.POSITIVE,
    "阳性": TestStatus.POSITIVE,
}


class ImportErrors(Exception):
    """(row, column, reason) of every problem; reasons pass ``redact`` (masked, cut short)."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        errors = [(row, column, redact(reason, REASON_CHARS)) for row, column, reason in errors]
        super().__init__(errors)
        self.errors = errors


def read_rows(name: str, file) -> Iterator[list[str]]:
    """The rows of an uploaded CSV (UTF-8) or .xlsx, read as they come, never the file whole."""
    if name.lower().endswith(".xlsx"):
        yield from _xlsx_rows(file)
        return
    try:
        with text_of(file) as text:
            for _line, row in csv_rows(text):
                yield row
    except Refused as refused:
        raise ImportErrors([(refused.error.row, "", refused.error.reason)]) from None


def _xlsx_rows(file) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        uploads.check_xlsx(file)
        book = load_workbook(file, read_only=True, data_only=True)
        rows = book.active.iter_rows(values_only=True)
    except ValidationError as exc:
        raise ImportErrors([(0, "", exc.messages[0])]) from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; no sheet at all
        raise ImportErrors([(0, "", _("Not a readable Excel workbook."))]) from exc
    try:
        for row in rows:
            yield ["" if v is None else str(v) for v in row]
    finally:
        book.close()


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for i, cell in enumerate(header):
        for key, names in HEADERS.items():
            if cell.strip().lower() in names:
                found[key] = i
    missing = [k for k in HEADERS if k not in found]
    if missing:
        raise ImportErrors([(1, ", ".join(missing), _("Required column missing."))])
    return found


def _time(value: str) -> datetime.datetime | None:
    value = value.strip().replace("/", "-")
    parsed = parse_datetime(value.replace(" ", "T")) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def check_rows(rows: Iterable[list[str]], actor) -> list[dict]:
    """Every row validated together; raises ImportErrors listing every problem.

    Reading stops at the first row past ``MAX_ROWS``: a larger file is refused whole.
    """
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise ImportErrors([(0, "", _("The file is empty."))])
    cols = _columns(header)
    body = []
    for r in rows:
        if any(c.strip() for c in r):
            body.append(r)
            if len(body) > MAX_ROWS:
                raise ImportErrors([(0, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS})])
    if not body:
        raise ImportErrors([(0, "", _("The file has no data rows."))])
    errors: list[tuple[int, str, str]] = []
    good: list[dict] = []
    seen: dict[tuple[int, datetime.date], int] = {}  # (person, day) → the row that had it first
    visible = Person.objects.restrict(actor, "view")
    for n, row in enumerate(body, start=2):
        cell = {k: (row[i] if i < len(row) else "").strip() for k, i in cols.items()}
        person = visible.with_id_number(cell["id_number"]).first() if cell["id_number"] else None
        if person is None:
            errors.append((n, "id_number", _("No person with this identity number in your area.")))
            continue
        placement = active_placement(person)
        if placement is None:
            errors.append(
                (n, "id_number", _("%(name)s is not under placement.") % {"name": person.name})
            )
            continue
        sampled_at = _time(cell["sampled_at"])
        if sampled_at is None:
            errors.append((n, "sampled_at", _("Not a date and time (2021-09-20 08:30).")))
            continue
        if local_date(sampled_at) < local_date(placement.placed_at):
            errors.append((n, "sampled_at", _("The sample was taken before the placement.")))
            continue
        result = RESULT_TERMS.get(cell["result"].lower())
        if result is None:
            errors.append((n, "result", _("Write negative or positive (阴性/阳性).")))
            continue
        key = (person.pk, local_date(sampled_at))
        if key in seen:
            errors.append(
                (n, "id_number", _("Same person and day as row %(row)d.") % {"row": seen[key]})
            )
            continue
        seen[key] = n
        good.append({"row": n, "person": person, "sampled_at": sampled_at, "result": result})
    if errors:
        raise ImportErrors(errors)
    return good


def import_results(name: str, file, *, actor, confirm_positives: bool = False) -> int:
    """Record every result of the file (an upload or its bytes), or none; answers how many.

    A positive result reports a case at once (``monitoring.do_record_result``), so a file with
    one is recorded only when the caller confirms it (``confirm_positives``); without that,
    every positive row is listed with what it would do, and nothing is recorded.
    """
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    rows = check_rows(read_rows(name, file), actor)
    positives = [row for row in rows if row["result"] == TestStatus.POSITIVE]
    if positives and not confirm_positives:
        day = local_date(clock.now()).isoformat()
        raise ImportErrors(
            [
                (
                    row["row"],
                    "result",
                    _(
                        "Positive: reports %(name)s as a case, counted today (%(day)s). "
                        "Tick “confirm” and import again to record it."
                    )
                    % {"name": row["person"].name, "day": day},
                )
                for row in positives
            ]
        )
    with transaction.atomic():
        for row in rows:
            try:
                do_record_result(
                    actor=actor,
                    person=row["person"],
                    sampled_at=row["sampled_at"],
                    result=row["result"],
                )
            except ValidationError as exc:
                raise ImportErrors([(row["row"], "", m) for m in exc.messages]) from exc
            except PermissionDenied as exc:
                raise ImportErrors([(row["row"], "", _("Outside your area."))]) from exc
    return len(rows)
