"""Reading an extract of the national system's cards, and checking every row before any write.

An extract is an Excel workbook or a CSV file (UTF-8 or GBK) with the card's column names
(``layout``): 卡片编号, 有效证件号 (or 患者姓名 with 出生日期), 现住地址国标, 病例分类, 诊断时间,
and optionally 疾病名称 and 报告卡录入时间. Each row is checked on its own and against the others:

- the card number is letters, digits and hyphens, once in the file, and not on another case's
  card here;
- the identity number is well formed and its check character right (GB 11643); the person is
  found by its keyed hash, or by name and birth date, *within the importer's area* — a person
  registered elsewhere or nowhere is "not found here" alike (decision 0031);
- the county lies in the importer's area: a card of another province or county is refused;
- the classification, disease and times are ones the card knows.

Any refused row refuses the file with the list of (row, column, reason), reasons passed through
``importing.redact`` so no identity number is repeated. A known person without a case of the
disease here is kept as an unmatched card: exactly what reconciliation must show.
"""

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from pingji.cases.models import Case
from pingji.core import clock, crypto, uploads
from pingji.core.access import scope_code
from pingji.core.importing import RowError, csv_records
from pingji.geo.models import Jurisdiction
from pingji.people.identity import normalize_id_number
from pingji.people.models import Person
from pingji.protocols.models import COVID_19, Disease

from . import layout as L
from .actions.cards import CARD_NUMBER
from .models import ReportCard

MAX_ROWS = 5000
MAX_BYTES = 5 << 20
REQUIRED = (L.CARD_NUMBER, L.ADDRESS_CODE, L.CLASSIFICATION, L.DIAGNOSED)
DISEASE_TERMS = {
    "新型冠状病毒感染": COVID_19,
    "新型冠状病毒肺炎": COVID_19,
    "新冠肺炎": COVID_19,
    "登革热": "dengue",
    "流行性感冒": "influenza",
    "手足口病": "hfmd",
    "其它感染性腹泻病": "norovirus",
    "其他感染性腹泻病": "norovirus",
}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d")


@dataclass
class Row:
    """One checked card: what the writer stores and files."""

    number: int
    card_number: str
    county: str
    disease: str
    classification: str
    diagnosed_at: datetime.datetime
    reported_at: datetime.datetime | None
    case: Case | None

    @property
    def facts_hash(self) -> str:
        facts = [
            self.card_number,
            self.county,
            self.disease,
            self.classification,
            self.diagnosed_at.isoformat(),
            self.reported_at.isoformat() if self.reported_at else "",
            str(self.case.pk if self.case else ""),
        ]
        return hashlib.sha256("\x1f".join(facts).encode()).hexdigest()


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class Bad(Exception):
    """One cell's problem: the column and the reason."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column


def read(data: bytes, name: str) -> list[tuple[int, dict[str, Any]]]:
    """The file's rows as (row number, {column: cell}); ``ValidationError`` on ``file``."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": uploads.too_large(MAX_BYTES)})
    if data[:2] == b"PK":
        return _xlsx_rows(data)
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    source = io.BytesIO(data)
    try:
        uploads.check_xlsx(source)
        book = load_workbook(source, read_only=True, data_only=True)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages[0]}) from None
    except Exception:  # noqa: BLE001 — zip, XML and format errors all mean "not a workbook"
        raise ValidationError({"file": _("The file is not an Excel workbook (.xlsx).")}) from None
    lines = book.worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(lines, None) or ()]
    _require(header)
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=2):
        if any(v not in (None, "") for v in line):
            if len(rows) == MAX_ROWS:
                too_many = _("At most %(n)s rows at a time.") % {"n": MAX_ROWS}
                raise ValidationError({"file": too_many})
            rows.append((number, dict(zip(header, line, strict=False))))
    book.close()
    return rows


def _csv_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gbk")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("The file is neither UTF-8 nor GBK text.")}) from None
    handle = io.StringIO(text, newline="")
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    _require([h.strip() for h in header])
    return list(csv_records(handle, REQUIRED, MAX_ROWS))


def _require(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    has_identity = L.ID_NUMBER in header or {L.NAME, L.BIRTH_DATE} <= set(header)
    if missing or not has_identity:
        needed = ", ".join([*missing] + ([] if has_identity else [L.ID_NUMBER]))
        raise ValidationError({"file": _("The file needs the columns %(c)s.") % {"c": needed}})


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _time(value, column: str, required: bool = True) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        found = value
    else:
        text = _text(value)
        if not text:
            if required:
                raise Bad(column, _("This cell is required."))
            return None
        for fmt in TIME_FORMATS:
            try:
                found = datetime.datetime.strptime(text[:19], fmt)
                break
            except ValueError:
                continue
        else:
            raise Bad(column, _("Not a date and time (2021-09-12 09:00)."))
    found = timezone.make_aware(found) if timezone.is_naive(found) else found
    if found > clock.now():
        raise Bad(column, _("This time is in the future."))
    return found


def _classification(value) -> str:
    text = _text(value)
    for code, terms in L.CLASSIFICATION_TERMS.items():
        if text == code or text in terms:
            return str(code)
    raise Bad(L.CLASSIFICATION, _("Not a classification of the card."))


def _disease(value) -> str:
    text = _text(value) or COVID_19
    code = DISEASE_TERMS.get(text, text)
    if not Disease.objects.filter(code=code[:40]).exists():
        raise Bad(L.DISEASE, _("Not a disease known here."))
    return code


def _county(value, area: str) -> str:
    code = _text(value)
    if not code.isdigit() or len(code) < 6:
        raise Bad(L.ADDRESS_CODE, _("A county code has at least 6 digits."))
    if area and code[:2] != area[:2]:
        raise Bad(L.ADDRESS_CODE, _("This card belongs to another province."))
    if not (code.startswith(area) or area.startswith(code[:6])):
        raise Bad(L.ADDRESS_CODE, _("This card belongs to a county outside your area."))
    if not Jurisdiction.objects.filter(code=code[:6]).exists():
        raise Bad(L.ADDRESS_CODE, _("No such county here."))
    return code[:6]


def _person(raw: dict, actor) -> Person:
    visible = Person.objects.restrict(actor, "view")
    number = _text(raw.get(L.ID_NUMBER))
    if number:
        try:
            number = normalize_id_number(number)
        except ValidationError as exc:
            wrong = {"id_checksum": _("The check character of the identity number is wrong.")}
            raise Bad(L.ID_NUMBER, wrong.get(exc.code or "", exc.messages[0])) from None
        found = visible.filter(id_number_hash=crypto.lookup_hash(number)).first()
    else:
        name, born = _text(raw.get(L.NAME)), _text(raw.get(L.BIRTH_DATE))[:10]
        try:
            day = datetime.date.fromisoformat(born)
        except ValueError:
            missing = _("Give the identity number, or the name and birth date.")
            raise Bad(L.BIRTH_DATE, missing) from None
        matches = list(visible.filter(name=name, birth_date=day)[:2])
        if len(matches) > 1:
            raise Bad(L.NAME, _("More than one person here has this name and birth date."))
        found = matches[0] if matches else None
    if found is None:
        raise Bad(L.ID_NUMBER, _("Nobody in your area matches this card."))
    return found


def _case(person: Person, disease: str, card_number: str) -> Case | None:
    """The person's case the card stands for: the one filed under its number, else the latest
    case of the disease that is not voided; None when there is none (an unmatched card)."""
    filed = ReportCard.objects.filter(card_number=card_number).select_related("case").first()
    if filed is not None:
        if filed.case.person_id != person.pk:
            raise Bad(L.CARD_NUMBER, _("This card number is on another person's case here."))
        return filed.case
    cases = Case.objects.filter(person=person, disease_id=disease, voided_at__isnull=True)
    case = cases.order_by("-episode").first()
    card = ReportCard.objects.filter(case=case).first() if case else None
    if card is not None and card.card_number and card.card_number != card_number:
        raise Bad(
            L.CARD_NUMBER,
            _("This person's case was filed as card %(n)s.") % {"n": card.card_number},
        )
    return case


def check_row(number: int, raw: dict, actor, area: str) -> Row:
    card_number = _text(raw.get(L.CARD_NUMBER))
    if not CARD_NUMBER.match(card_number):
        raise Bad(L.CARD_NUMBER, _("A card number is letters, digits and hyphens."))
    county = _county(raw.get(L.ADDRESS_CODE), area)
    disease = _disease(raw.get(L.DISEASE))
    classification = _classification(raw.get(L.CLASSIFICATION))
    diagnosed = _time(raw.get(L.DIAGNOSED), L.DIAGNOSED)
    reported = _time(raw.get(L.FILED), L.FILED, required=False)
    person = _person(raw, actor)
    case = _case(person, disease, card_number)
    assert diagnosed is not None  # required above
    return Row(number, card_number, county, disease, classification, diagnosed, reported, case)


def check(rows: list[tuple[int, dict]], actor) -> Checked:
    """Every row checked; a card number seen twice is refused on each later row."""
    area = scope_code(actor) or ""
    out, seen = Checked(), dict[str, int]()
    for number, raw in rows:
        try:
            row = check_row(number, raw, actor, area)
        except Bad as bad:
            out.errors.append(RowError(number, bad.column, str(bad)))
            continue
        if row.card_number in seen:
            reason = _("This card number is already on row %(n)s.") % {"n": seen[row.card_number]}
            out.errors.append(RowError(number, L.CARD_NUMBER, reason))
            continue
        seen[row.card_number] = number
        out.rows.append(row)
    return out
