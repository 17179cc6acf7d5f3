"""Notices as Word documents (python-docx), from the stored content only.

Word picks the East-Asian font of a run from ``w:rFonts/@w:eastAsia``; every run here sets it,
to 仿宋 for the text and 黑体 for the title, the fonts of government documents. A reader's Word
substitutes its own where they are missing: unlike a PDF, a .docx embeds no font.
"""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from . import verification
from .choices import NoticeStatus
from .pdf import state_line

BODY_FONT, TITLE_FONT = "仿宋", "黑体"


def _font(run, name: str, size: float) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _line(doc, text: str, *, font=BODY_FONT, size=14.0, align=None, indent=False):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(str(text)), font, size)
    return paragraph


def render(notice, url: str) -> bytes:
    c = notice.content
    doc = Document()
    _line(doc, c.get("title", ""), font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, notice.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    if notice.status != NoticeStatus.VALID:
        _line(doc, state_line(notice), font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    if c.get("to"):
        _line(doc, c["to"])
    for text in c.get("body", []):
        _line(doc, text, indent=True)
    if c.get("facts"):
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in c["facts"]:
            cells = table.add_row().cells
            for cell, text in zip(cells, (label, value), strict=True):
                _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, 11)
    basis = "　".join(x for x in (c.get("protocol"), c.get("clause")) if x)
    if basis:
        _line(doc, f"依据：{basis}", size=10)
    for text in (c.get("issuer", ""), c.get("date", "")):
        _line(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.add_picture(io.BytesIO(verification.qr_png(url)), width=Cm(3))
    _line(doc, f"扫码核验真伪：{url}", size=10)
    doc.core_properties.title = notice.number
    doc.core_properties.subject = c.get("title", "")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
