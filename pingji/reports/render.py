"""Rendering the daily report: Word (python-docx), Excel (openpyxl) and HTML.

Word picks the East-Asian font of a run from ``w:rFonts/@w:eastAsia``, not from ``font.name``: a
document that sets only the latter shows Chinese in whatever fallback the reader's Word chooses
(often boxes on a machine without it). Every style used and every run therefore sets both, to
the fonts of government documents (仿宋 for text, 黑体 for headings; GB/T 9704 uses 方正小标宋
for titles, which few machines have).
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from pingji.core.spreadsheets import safe_row

from .charts import curve_png
from .daily import Content

BODY_FONT, HEADING_FONT = "仿宋", "黑体"


def _east_asian(target, font: str) -> None:
    """Set the Latin and the East-Asian font of a style or a run."""
    target.font.name = font  # creates w:rPr/w:rFonts (ascii, hAnsi)
    element = getattr(target, "element", None)
    element = element if element is not None else target._element
    element.rPr.rFonts.set(qn("w:eastAsia"), font)


def docx_bytes(content: Content) -> bytes:
    doc = Document()
    for style_name, font in (
        ("Normal", BODY_FONT),
        ("Title", HEADING_FONT),
        ("Heading 1", HEADING_FONT),
        ("Heading 2", HEADING_FONT),
    ):
        _east_asian(doc.styles[style_name], font)
    doc.styles["Normal"].font.size = Pt(12)
    for run in doc.add_heading(content.title, level=0).runs:
        _east_asian(run, HEADING_FONT)
    for run in doc.add_paragraph(content.subtitle).runs:
        _east_asian(run, BODY_FONT)
    for text in content.paragraphs:
        for run in doc.add_paragraph(text).runs:
            _east_asian(run, BODY_FONT)
    _add_curve(doc, content)
    for table in content.tables:
        for run in doc.add_heading(table.title, level=2).runs:
            _east_asian(run, HEADING_FONT)
        grid = doc.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = str(text)
        for row in table.rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
        for row in grid.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        _east_asian(run, BODY_FONT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _add_curve(doc, content: Content) -> None:
    """The epidemic curve (and the forecast) as a picture, its title above and legend below."""
    s = content.situation
    picture = curve_png(s.curve, s.forecast)
    if picture is None:
        return
    for run in doc.add_heading(_("Epidemic curve by report date"), level=2).runs:
        _east_asian(run, HEADING_FONT)
    doc.add_picture(io.BytesIO(picture), width=Cm(16))
    legend = _(
        "Red: confirmed when reported; orange: asymptomatic when reported (stacked). "
        "Blue: the 7-day forecast of new local infections, its median and 95 per cent interval."
    )
    if not s.forecast:
        legend = _("Red: confirmed when reported; orange: asymptomatic when reported (stacked).")
    for run in doc.add_paragraph(legend).runs:
        _east_asian(run, BODY_FONT)


#: What Excel refuses in a sheet's name, which it also cuts at 31 characters.
SHEET_NAME_REFUSES = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(title) -> str:
    """A table's title as a sheet name Excel accepts (in the reader's language)."""
    return str(title).translate(SHEET_NAME_REFUSES).strip()[:31]


def xlsx_bytes(content: Content) -> bytes:
    book = Workbook()
    first = book.active
    first.title = sheet_title(_("Summary"))
    first.append(safe_row([content.title]))
    first["A1"].font = Font(bold=True, size=14)
    first.append(safe_row([content.subtitle]))
    for text in content.paragraphs:
        first.append(safe_row([text]))
    for table in content.tables:
        sheet = book.create_sheet(sheet_title(table.title))
        sheet.append(safe_row(str(c) for c in table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def html_text(content: Content) -> str:
    return render_to_string("reports/daily_report_page.html", {"content": content})
