"""Excel import of a line list (一览表): one row a case, all validated before anything is written.

The template (``template_workbook``) has one header row; headers may be the English names below,
their translation in the active language, or the usual Chinese headings of provincial line lists
(身份证号, 姓名, 手机号, 病例分类, 临床分型, 发病日期, 采样时间, 报告时间, 发现途径, 本土/输入,
备注).
Choice cells take the code, the label, or the Chinese term (确诊, 无症状感染者, 疑似; 轻型, 普通型,
重型, 危重型; 集中隔离, 居家隔离, 封控区/管控区筛查, 社区筛查, 发热门诊, 主动检测; 本土, 输入).

Persons are matched by the identity number's keyed hash; one nobody in the importer's area holds is
registered in the grid chosen for the import. Every row is checked first — a bad cell, a number
repeated in the workbook, a person who already has an open case — and any error returns the list
of (row, column, reason) with nothing written, persons included. The writes then run in one
transaction, so a row refused at the last moment (a concurrent report) still leaves nothing.

A line list applied twice reports each case once (docs/decisions/0039): a row is one report, known
by its natural key, the person and the report time. A row whose person already has a case
reported at that time is that case, already imported — left as it is (later corrections are its
own history) and counted apart, not refused. So the job delivered again after a kill that came
after its commit, or a user importing the same workbook again, finds the work done.
"""

import datetime
from collections.abc import Callable
from functools import partial
from io import BytesIO
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from pingji.core import uploads
from pingji.core.actions import aware
from pingji.core.context import current_actor
from pingji.core.importing import REASON_CHARS, redact
from pingji.core.jobs import job
from pingji.core.spreadsheets import safe_row
from pingji.geo.models import Jurisdiction
from pingji.people.actions.persons import refuse_held_elsewhere
from pingji.people.identity import normalize_id_number
from pingji.people.models import Person
from pingji.protocols.models import COVID_19, Disease

from .actions.reports import (
    check_case_facts,
    do_report_case_for_identity,
    duplicate_message,
    open_case_among,
)
from .choices import Channel, Classification, Origin, Severity
from .models import Case

#: A line list of a large outbreak day runs to hundreds of rows; more is split into several files.
MAX_ROWS = 5000

#: (key, English header, Chinese headings accepted); the first four keys and "reported_at" are
#: required columns.
COLUMNS = (
    ("id_number", gettext_lazy("identity number"), ("身份证号", "身份证号码", "证件号码")),
    ("name", gettext_lazy("full name"), ("姓名",)),
    ("phone", gettext_lazy("phone"), ("手机号", "手机号码", "联系电话")),
    ("classification", gettext_lazy("classification"), ("病例分类", "分类")),
    ("severity", gettext_lazy("severity"), ("临床分型", "分型")),
    ("onset_date", gettext_lazy("symptom onset date"), ("发病日期",)),
    ("sampled_at", gettext_lazy("sampling time"), ("采样时间",)),
    ("reported_at", gettext_lazy("report time"), ("报告时间",)),
    ("channel", gettext_lazy("discovery channel"), ("发现途径", "发现方式")),
    ("origin", gettext_lazy("local or imported"), ("本土/输入", "病例来源")),
    ("notes", gettext_lazy("notes"), ("备注",)),
    ("disease", gettext_lazy("disease"), ("病种", "疾病名称", "传染病名称")),
)
REQUIRED = ("id_number", "classification", "reported_at", "channel")

#: Chinese terms of provincial line lists for each choice (codes and labels are accepted too).
CHINESE_TERMS: dict[str, dict[str, str]] = {
    "classification": {
        "确诊": Classification.CONFIRMED,
        "确诊病例": Classification.CONFIRMED,
        "无症状": Classification.ASYMPTOMATIC,
        "无症状感染者": Classification.ASYMPTOMATIC,
        "疑似": Classification.SUSPECTED,
        "疑似病例": Classification.SUSPECTED,
    },
    "severity": {
        "轻型": Severity.MILD,
        "普通型": Severity.MODERATE,
        "重型": Severity.SEVERE,
        "危重型": Severity.CRITICAL,
    },
    "channel": {
        "集中隔离": Channel.CENTRALISED_QUARANTINE,
        "集中隔离点": Channel.CENTRALISED_QUARANTINE,
        "居家隔离": Channel.HOME_QUARANTINE,
        "封控区筛查": Channel.CONTROLLED_AREA_SCREENING,
        "管控区筛查": Channel.CONTROLLED_AREA_SCREENING,
        "封控区/管控区筛查": Channel.CONTROLLED_AREA_SCREENING,
        "社区筛查": Channel.COMMUNITY_SCREENING,
        "社会面筛查": Channel.COMMUNITY_SCREENING,
        "发热门诊": Channel.FEVER_CLINIC,
        "主动检测": Channel.PROACTIVE_TESTING,
    },
    "origin": {"本土": Origin.LOCAL, "输入": Origin.IMPORTED, "境外输入": Origin.IMPORTED},
}
CHOICES: dict[str, type[models.TextChoices]] = {
    "classification": Classification,
    "severity": Severity,
    "channel": Channel,
    "origin": Origin,
}
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")


class RowError(Exception):
    """A problem with one cell, or with the row as a whole (``column`` blank)."""


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _header_keys() -> dict[str, str]:
    keys = {}
    for key, label, chinese in COLUMNS:
        for name in (key, str(label), _english(label), *chinese):
            keys[name.strip().lower()] = key
    return keys


def _choice(key: str, value) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    enum = CHOICES[key]
    lowered = text.lower()
    for member in enum:
        if lowered in (member.value, str(member.label).lower(), _english(member.label).lower()):
            return member.value
    if text in CHINESE_TERMS[key]:
        return CHINESE_TERMS[key][text]
    raise RowError(
        _("“%(value)s” is not one of: %(allowed)s.")
        % {"value": text[:40], "allowed": ", ".join(str(m.label) for m in enum)}
    )


def _disease_parser() -> Callable[[Any], str]:
    """The parser of the disease column, the known diseases read once for the whole file: a
    disease by its code or its Chinese or English name; blank is COVID-19 (decision 0041)."""
    rows = list(Disease.objects.values_list("code", "name", "english_name"))
    known = {key: code for code, name, english in rows for key in (code, name, english.lower())}

    def parse(value) -> str:
        text = str(value or "").strip()[:100]
        if not text:
            return COVID_19
        if text.lower() in known:
            return known[text.lower()]
        raise RowError(
            _("“%(value)s” is not a disease known here (known: %(known)s).")
            % {"value": text[:40], "known": ", ".join(name for _c, name, _e in rows)}
        )

    return parse


def _datetime(value) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        raise RowError(_("Give the time of day too (YYYY-MM-DD HH:MM)."))
    text = str(value).strip()
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise RowError(_("“%(value)s” is not a time (YYYY-MM-DD HH:MM).") % {"value": text[:40]})


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text[:40]})


def _id_number(value) -> str:
    if isinstance(value, float):  # Excel keeps 15 significant digits: the number is already lost
        raise RowError(_("Store identity numbers as text; Excel rounds long numbers."))
    text = str(value or "").strip()
    if not text:
        raise RowError(_("Enter an identity number."))
    try:
        return normalize_id_number(text)
    except ValidationError as exc:
        raise RowError(" ".join(exc.messages)) from exc


def _text(value, limit: int) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise RowError(_("Keep it under %(n)d characters.") % {"n": limit})
    return text


#: Each column's reader: the cell as read from the sheet in, the checked value out (RowError).
PARSERS: dict[str, Callable[[Any], Any]] = {
    "id_number": _id_number,
    "name": lambda v: _text(v, 60),
    "phone": lambda v: _text(v, 40),
    "onset_date": _date,
    "sampled_at": _datetime,
    "reported_at": _datetime,
    "notes": lambda v: _text(v, 2000),
    **{key: partial(_choice, key) for key in CHOICES},
}


def read_rows(source) -> tuple[list[tuple[int, dict]], dict[str, str], list[dict]]:
    """The workbook's data rows as (row number, {key: raw cell}), its headers, and sheet errors."""
    try:
        uploads.check_xlsx(source)
    except ValidationError as exc:
        return [], {}, [_row_error(None, "", exc.messages[0])]
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — zip, XML and format errors all mean "not a workbook"
        return [], {}, [_row_error(None, "", _("The file is not an Excel workbook (.xlsx)."))]
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    known, columns, headers, errors = _header_keys(), {}, {}, []
    for index, cell in enumerate(header):
        key = known.get(str(cell or "").strip().lower())
        if key and key not in columns:
            columns[key], headers[key] = index, str(cell).strip()
    for key in REQUIRED:
        if key not in columns:
            label = dict((k, lbl) for k, lbl, _c in COLUMNS)[key]
            errors.append(_row_error(1, str(label), _("This column is missing.")))
    rows: list[tuple[int, dict]] = []
    for number, line in enumerate(lines, start=2):
        if not any(v not in (None, "") for v in line):
            continue
        if len(rows) == MAX_ROWS:
            errors.append(
                _row_error(number, "", _("Import at most %(n)d rows at a time.") % {"n": MAX_ROWS})
            )
            break
        rows.append((number, {k: line[i] if i < len(line) else None for k, i in columns.items()}))
    book.close()
    return rows, headers, errors


def _row_error(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": redact(message, REASON_CHARS)}


def _column(key: str, headers: dict[str, str]) -> str:
    return headers.get(key) or str(dict((k, lbl) for k, lbl, _c in COLUMNS).get(key, key))


#: A row ready to report: its number, the facts the action takes, and every parsed value.
Plan = tuple[int, dict[str, Any], dict[str, Any]]


def check_rows(rows, headers, *, actor, grid) -> tuple[list[Plan], list[dict], list[int]]:
    """Parse and check every row; returns (plans ready for the action, row errors, and the cases
    rows already reported: imported before)."""
    plans: list[Plan] = []
    errors: list[dict] = []
    already: list[int] = []
    seen: dict[str, int] = {}
    visible = Person.objects.restrict(actor, "view")
    parsers = {**PARSERS, "disease": _disease_parser()}
    for number, raw in rows:
        values: dict[str, Any] = {}
        failed = False
        for key, cell in raw.items():
            try:
                values[key] = parsers[key](cell)
            except RowError as exc:
                errors.append(_row_error(number, _column(key, headers), str(exc)))
                failed = True
        if failed:
            continue
        problems, earlier = _check_person(values, seen, number, visible, grid, actor)
        if earlier is not None:
            already.append(earlier.pk)
            continue
        facts: dict[str, Any] = {
            k: values.get(k) for k in ("onset_date", "sampled_at", "reported_at")
        }
        facts.update({k: values.get(k, "") for k in ("classification", "severity", "channel")})
        facts["origin"] = values.get("origin") or Origin.LOCAL
        facts["disease"] = values.get("disease") or COVID_19
        try:
            check_case_facts(**facts)
        except ValidationError as exc:
            problems += [(f, " ".join(m)) for f, m in exc.message_dict.items()]
        errors += [_row_error(number, _column(k, headers) if k else "", m) for k, m in problems]
        if not problems:
            plans.append((number, {**facts, **{k: values.get(k, "") for k in ("notes",)}}, values))
    return plans, errors, already


def _check_person(
    values, seen, number, visible, grid, actor
) -> tuple[list[tuple[str, str]], Case | None]:
    """The row's problems with its person, and the case it already is (reported before)."""
    number_key = values["id_number"]
    if number_key in seen:
        repeat = _("The same person is in row %(row)d.") % {"row": seen[number_key]}
        return [("id_number", repeat)], None
    seen[number_key] = number
    person = visible.with_id_number(number_key).first()
    if person is None:
        if Person.objects.with_id_number(number_key).exists():
            # the same answer, budget and record as the person form (decision 0031)
            return [("id_number", refuse_held_elsewhere(actor, "case import"))], None
        if not values.get("name"):
            return [("name", _("A person not yet registered needs a name."))], None
        if grid is None:
            unknown = _("Not registered yet: choose the grid to register them in.")
            return [("id_number", unknown)], None
        return [], None
    if values.get("name") and values["name"] != person.name:
        wrong = _("This identity number is registered to %(name)s.") % {"name": person.name}
        return [("name", wrong)], None
    reported = aware(values.get("reported_at"))
    earlier = person.cases.filter(reported_at=reported).first() if reported else None
    if earlier is not None:
        return [], earlier  # the same report: imported before
    existing = open_case_among(person.cases.all(), values.get("disease") or COVID_19)
    return ([("id_number", duplicate_message(existing))] if existing else []), None


def import_line_list(source, *, actor, grid: Jurisdiction | None = None, progress=None) -> dict:
    """Check the whole workbook, then report every row's case in one transaction (or none)."""
    progress = progress or (lambda *a, **k: None)
    if grid is not None and not Jurisdiction.objects.restrict(actor).filter(pk=grid.pk).exists():
        raise PermissionDenied("the grid is outside the importer's area")
    rows, headers, errors = read_rows(source)
    progress(0, len(rows), _("checking"))
    plans, row_errors, already = (
        check_rows(rows, headers, actor=actor, grid=grid) if not errors else ([], [], [])
    )
    errors += row_errors
    result: dict[str, Any] = {
        "rows": len(rows),
        "created": 0,
        "persons_created": 0,
        "cases": [],
        "already": [],
        "errors": errors,
    }
    if errors:
        progress(len(rows), len(rows), _("Nothing imported: %(n)d errors.") % {"n": len(errors)})
        return result
    try:
        with transaction.atomic():
            persons_before = Person.objects.count()
            for done, (number, facts, values) in enumerate(plans, start=1):
                try:
                    case = do_report_case_for_identity(
                        actor=actor,
                        id_number=values["id_number"],
                        name=values.get("name", ""),
                        phone=values.get("phone", ""),
                        jurisdiction=grid,
                        **facts,
                    )
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        errors.append(
                            _row_error(number, _column(field, headers), " ".join(messages))
                        )
                    raise
                result["cases"].append(case.pk)
                progress(done, len(plans))
            result["persons_created"] = Person.objects.count() - persons_before
    except ValidationError:
        result["cases"] = []
        progress(len(rows), len(rows), _("Nothing imported: %(n)d errors.") % {"n": len(errors)})
        return result
    result["created"], result["already"] = len(result["cases"]), already
    summary = _("Imported %(n)d cases.") % {"n": result["created"]}
    if already:
        summary += " " + _("%(n)d rows were imported before.") % {"n": len(already)}
    progress(len(plans), len(plans), summary)
    return result


def forget_file(params: dict, error: str) -> None:
    """The job failed for good: no delivery will read its file again."""
    uploads.finish(params["file"])


@job("cases.import_line_list", on_failure=forget_file)
def import_line_list_job(progress, *, file: str, grid: str = "") -> dict:
    """The background job: import the uploaded file as its uploader, then delete it.

    The file holds plain identity numbers, which the platform keeps only encrypted: it waits
    encrypted (pingji/core/uploads.py) and is removed once the import has an outcome (imported
    or refused), or when the job fails for good (``forget_file``). A failure on the way (the
    database gone for a moment, the worker killed) keeps it for the next delivery, which finds
    the rows already imported by their natural keys.
    """
    actor = current_actor()
    target = Jurisdiction.objects.filter(pk=grid).first() if grid else None
    with uploads.opened(file, "line-list.xlsx") as path, path.open("rb") as handle:
        result = import_line_list(handle, actor=actor, grid=target, progress=progress)
    uploads.finish(file)
    return result


def template_workbook() -> bytes:
    """The blank template: the header row (identity numbers kept as text) and the allowed values."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Line list"))[:31]
    sheet.append(safe_row(str(label) for _key, label, _c in COLUMNS))
    for index in range(1, len(COLUMNS) + 1):
        sheet.cell(row=1, column=index).number_format = "@"
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 20
    for row in sheet.iter_cols(min_col=1, max_col=1, min_row=2, max_row=1000):
        for cell in row:
            cell.number_format = "@"  # identity numbers stay text
    values = book.create_sheet(str(_("Allowed values"))[:31])
    for key, enum in CHOICES.items():
        label = dict((k, lbl) for k, lbl, _c in COLUMNS)[key]
        for member in enum:
            if member.value != Classification.RULED_OUT:
                values.append(safe_row([str(label), member.value, str(member.label)]))
    values.append(safe_row([str(_("report time")), "2021-09-10 08:30", ""]))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
