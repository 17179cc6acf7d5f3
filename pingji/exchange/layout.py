"""The card layout: the national report card's columns, in Chinese, for export and import.

The export writes one row per card the user sees, in the card's column names (传染病报告卡), so
it can be checked against or keyed into the national system. Personal fields are shown as the
registry shows them to the reader (decision 0031): the identity number masked (region and check
character), the birth date only to those who may reveal it (everyone else gets the age), never a
look-up hash or ciphertext. The plain number is not in any export: whoever needs it reveals it,
one person at a time, through the audited reveal of the people app.
Every cell goes through ``core.spreadsheets.safe_row``: a name typed as ``=HYPERLINK(…)`` stays
text (decision 0035).
"""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from pingji.cases.choices import Classification, Severity
from pingji.core import personal_data as pd
from pingji.core.spreadsheets import safe_row

from .choices import occupation_terms
from .models import ReportCard

#: The card's column names (the import accepts the same names).
CARD_NUMBER = "卡片编号"
NAME = "患者姓名"
ID_NUMBER = "有效证件号"
SEX = "性别"
BIRTH_DATE = "出生日期"
AGE = "实足年龄"
OCCUPATION = "人群分类"
ADDRESS_CODE = "现住地址国标"
CLASSIFICATION = "病例分类"
SEVERITY = "临床严重程度"
ONSET = "发病日期"
DIAGNOSED = "诊断时间"
DISEASE = "疾病名称"
UNIT = "报告单位"
FILED = "报告卡录入时间"
STATUS = "状态"

EXPORT_COLUMNS = (
    CARD_NUMBER,
    NAME,
    ID_NUMBER,
    SEX,
    BIRTH_DATE,
    AGE,
    OCCUPATION,
    ADDRESS_CODE,
    CLASSIFICATION,
    SEVERITY,
    ONSET,
    DIAGNOSED,
    DISEASE,
    UNIT,
    FILED,
    STATUS,
)

#: The card's terms for each classification (the first is written, all are read).
CLASSIFICATION_TERMS: dict[str, tuple[str, ...]] = {
    Classification.CONFIRMED: ("确诊病例", "临床诊断病例", "确诊"),
    Classification.ASYMPTOMATIC: ("无症状感染者", "病原携带者", "无症状"),
    Classification.SUSPECTED: ("疑似病例", "疑似"),
    Classification.RULED_OUT: ("排除病例", "排除"),
}
SEVERITY_TERMS: dict[str, str] = {
    Severity.MILD: "轻型",
    Severity.MODERATE: "普通型",
    Severity.SEVERE: "重型",
    Severity.CRITICAL: "危重型",
}
SEX_TERMS = {"M": "男", "F": "女"}


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _age(birth_date, at) -> int | str:
    age = pd.age_of(birth_date, timezone.localdate(at))
    return "" if age is None else age


def card_row(user, card: ReportCard) -> list:
    """One card as the national card lays it out, personal fields as ``user`` may see them."""
    case, person = card.case, card.case.person
    return [
        card.card_number or "",
        person.name,
        pd.present(user, pd.Kind.ID_NUMBER, person.id_number_masked) or "",
        SEX_TERMS.get(person.sex, ""),
        str(pd.visible_birth_date(user, person) or ""),
        _age(person.birth_date, case.reported_at),
        occupation_terms().get(card.occupation, ""),
        case.jurisdiction_id[:12],
        CLASSIFICATION_TERMS[case.classification][0],
        SEVERITY_TERMS.get(case.severity, ""),
        str(case.onset_date or ""),
        _local(card.diagnosed_at),
        case.disease.name,
        card.reporting_unit,
        _local(card.filed_at),
        card.get_status_display(),
    ]


def export_cards(user, cards) -> bytes:
    """The workbook of ``cards`` (already restricted to ``user``), one row a card."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("传染病报告卡")
    sheet.append(list(EXPORT_COLUMNS))
    rows = cards.select_related("case__person", "case__disease").order_by("due_at", "pk")
    for card in rows.iterator(chunk_size=500):
        sheet.append(safe_row(card_row(user, card)))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
