"""The daily report's workbook shows text as text, as every workbook the platform writes does.

It checks reports' own renderer with core's workbook check (``core.tests.test_spreadsheets``),
so it lives here: core may not import reports.
"""

import io

from openpyxl import load_workbook

from pingji.core.tests.test_spreadsheets import formulas
from pingji.reports.daily import Content, Table
from pingji.reports.render import sheet_title, xlsx_bytes


def test_the_daily_report_workbook_writes_no_formula():
    content = Content(
        title="=cmd|' /C calc'!A0",
        subtitle="-1",
        paragraphs=["@SUM(1)"],
        tables=[Table("t", "t", ["=a"], [["=HYPERLINK(1)", -4]])],
        situation=None,
    )
    workbook = xlsx_bytes(content)
    assert formulas(workbook) == []
    table = load_workbook(io.BytesIO(workbook))["t"]
    assert [c.value for c in table[2]] == ["=HYPERLINK(1)", -4]


def test_sheet_names_are_ones_excel_accepts():
    assert sheet_title("Rt by area [7/7]: a*b?") == "Rt by area  7 7   a b"
    assert len(sheet_title("x" * 40)) == 31
