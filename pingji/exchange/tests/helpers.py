"""Building extracts as the national system writes them (CSV or xlsx, the card's columns)."""

import csv
import io

from openpyxl import Workbook, load_workbook

from pingji.core import crypto

HEADER = [
    "卡片编号",
    "有效证件号",
    "患者姓名",
    "出生日期",
    "现住地址国标",
    "病例分类",
    "诊断时间",
    "疾病名称",
]


def plain_id(person) -> str:
    return crypto.decrypt(person.id_number_cipher)


def row(
    card: str,
    person=None,
    *,
    id_number=None,
    county="350322",
    cls="确诊病例",
    diagnosed="2021-09-12 09:00",
    name="",
    born="",
    disease="新型冠状病毒肺炎",
) -> list:
    number = plain_id(person) if id_number is None and person is not None else (id_number or "")
    return [card, number, name, born, county, cls, diagnosed, disease]


def workbook_text(data: bytes) -> str:
    """Every cell of every sheet of a workbook, as one text (to look for what must not be there)."""
    book = load_workbook(io.BytesIO(data))
    return " ".join(str(v) for ws in book for r in ws.iter_rows(values_only=True) for v in r)


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
