"""Problem lists in and out of Excel: import an inspection's list, export the rectification ledger.

The import reads one header row — English names or the usual Chinese headings of a 问题清单
(序号, 问题, 责任单位, 整改措施, 整改时限) — and checks every row before anything is written: a
unit that is missing, unknown, ambiguous or outside the issuing level, an empty problem or measure,
a date that is not one or already past. Any error returns the whole list of (row, column, reason)
and writes nothing. The ledger (整改台账) is the list as it stands: each item's status, evidence,
verification and escalation, for the issuing level's 对账销号.
"""

import datetime
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from pingji.core import uploads
from pingji.core.spreadsheets import safe_row
from pingji.geo.models import Jurisdiction

from .actions.problems import ItemRow, row_error

#: An inspection's list runs to dozens of items; thousands would be a data dump, not a list.
MAX_ROWS = 2000
#: 2,000 rows of a few short cells are well under a megabyte; more is not a problem list.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

COLUMNS = (
    ("unit", gettext_lazy("responsible unit"), ("责任单位", "责任主体", "整改责任单位")),
    ("problem", gettext_lazy("problem"), ("问题", "存在问题", "问题描述")),
    ("measures", gettext_lazy("measures"), ("整改措施", "措施")),
    ("deadline", gettext_lazy("deadline"), ("整改时限", "完成时限", "时限")),
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M")
#: A date without a time means the end of that working day.
END_OF_DAY = datetime.time(18, 0)


class LedgerError(Exception):
    """The workbook as a whole could not be read (not an .xlsx, no header row…)."""


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _header_keys() -> dict[str, str]:
    keys = {}
    for key, label, chinese in COLUMNS:
        for name in (key, str(label), _english(label), *chinese):
            keys[name.strip().lower()] = key
    return keys


def _deadline(value):
    if isinstance(value, datetime.datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, END_OF_DAY))
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if "%H" not in fmt:
            parsed = datetime.datetime.combine(parsed.date(), END_OF_DAY)
        return timezone.make_aware(parsed)
    return None


def _unit(cell: object, issuer: Jurisdiction) -> tuple[Jurisdiction | None, str | None]:
    """A unit named by code or by name (the cell as read: text, a number or nothing), searched
    in the issuing level's subtree."""
    text = str(cell or "").strip()
    if not text:
        return None, _("Name the unit.")
    found = list(
        Jurisdiction.objects.filter(Q(code=text) | Q(name=text))
        .filter(code__startswith=issuer.code)
        .defer("boundary")[:2]
    )
    if not found:
        return None, _("No jurisdiction “%(unit)s” under %(issuer)s.") % {
            "unit": text[:40],
            "issuer": issuer.name,
        }
    if len(found) > 1:
        return None, _("“%(unit)s” names several jurisdictions; give its code.") % {
            "unit": text[:40]
        }
    return found[0], None


def read_items(source, issuer: Jurisdiction) -> tuple[list[ItemRow], list[dict]]:
    """The workbook's items and the errors found reading them (a bad cell, an unknown unit)."""
    try:
        uploads.check_xlsx(source)
    except ValidationError as exc:
        raise LedgerError(exc.messages[0]) from exc
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — zip, XML and format errors all mean "not a workbook"
        raise LedgerError(_("This is not an Excel workbook (.xlsx).")) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    known = _header_keys()
    columns = {}
    for index, cell in enumerate(header):
        key = known.get(str(cell or "").strip().lower())
        if key and key not in columns:
            columns[key] = index
    missing = [str(label) for key, label, _c in COLUMNS if key not in columns]
    if missing:
        return [], [row_error(1, m, _("This column is missing.")) for m in missing]
    items, errors = [], []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            errors.append(
                row_error(number, "", _("More than %(n)d rows; split the list.") % {"n": MAX_ROWS})
            )
            break
        cells = {k: (values[i] if i < len(values) else None) for k, i in columns.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        unit, message = _unit(cells["unit"], issuer)
        if message:
            errors.append(row_error(number, _("responsible unit"), message))
        deadline = _deadline(cells["deadline"])
        if deadline is None and cells["deadline"] not in (None, ""):
            errors.append(
                row_error(
                    number,
                    _("deadline"),
                    _("“%(value)s” is not a date (YYYY-MM-DD).")
                    % {"value": str(cells["deadline"])[:40]},
                )
            )
        items.append(
            ItemRow(
                row=number,
                jurisdiction=unit,
                problem=str(cells["problem"] or "").strip(),
                measures=str(cells["measures"] or "").strip(),
                deadline=deadline,
            )
        )
    book.close()
    return items, errors


def template_workbook() -> bytes:
    """An empty list with the Chinese headings, for a user to fill in."""
    book = Workbook()
    sheet = book.active
    sheet.title = "问题清单"
    sheet.append(safe_row(chinese[0] for _k, _l, chinese in COLUMNS))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def ledger_workbook(problem_list) -> bytes:
    """The rectification ledger (整改台账) of one list, as it stands now."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("ledger")[:31])
    sheet.append(
        safe_row(
            [
                _("number"),
                _("responsible unit"),
                _("problem"),
                _("measures"),
                _("deadline"),
                _("status"),
                _("overdue"),
                _("evidence"),
                _("submitted at"),
                _("verified at"),
                _("verification note"),
                _("escalated to"),
            ]
        )
    )
    items = problem_list.items.select_related("jurisdiction", "task", "task__escalated_to").defer(
        "jurisdiction__boundary", "task__escalated_to__boundary"
    )
    for item in items.order_by("number"):
        task = item.task
        sheet.append(
            safe_row(
                [
                    item.number,
                    item.jurisdiction.name,
                    item.problem,
                    item.measures,
                    _local(item.deadline),
                    str(task.get_status_display()),
                    _("yes") if task.is_overdue else "",
                    task.evidence,
                    _local(task.submitted_at),
                    _local(task.verified_at),
                    task.verification_note,
                    task.escalated_to.name if task.escalated_to_id else "",
                ]
            )
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
