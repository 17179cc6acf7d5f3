"""Notices as PDF (ReportLab): one notice, or a batch as one document rendered in one pass.

A batch shares one document, one set of styles and one embedded subset of each font: a sealed
area's thousands of household notices print as one file at a fraction of the cost of rendering
them one by one (``bench/notices.py``). The fonts used are written in the document's
properties (``fonts``, decision 0043 point 6).
"""

import gc
import io
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph, Spacer, Table, TableStyle

from . import verification
from .choices import NoticeStatus
from .documents import day_text
from .fonts import Fonts, pdf_fonts

#: Streams compressed, not also ASCII85-encoded: a PDF may hold binary streams, and ReportLab's
#: pure-Python ASCII85 encoder was a tenth of the time of a batch.
rl_config.useA85 = 0

QR_SIZE = 26 * mm
DARK_RUN = re.compile("1+")
#: From how many notices a batch derives its QR codes from one (``verification.BatchQR``): its
#: set-up encodes up to 177 codes, repaid from about this many.
BATCH_QR_FROM = 100
CREATOR = "Pingji (平急) notices"


class QRCode(Flowable):
    """A QR code drawn as vector squares: no image to encode, sharp at any printer resolution."""

    def __init__(self, url: str, font: str, size: float = QR_SIZE, codes=None):
        super().__init__()
        self.rows = codes.rows(url) if codes is not None else verification.qr_rows(url)
        self.url, self.font = url, font
        self.size = size
        self.width, self.height = size, size + 14

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return self.width, self.height

    def draw(self) -> None:
        """One literal path of the dark runs of each row, in module units: a few hundred
        operators in one string instead of a ``rect`` call (and its number formatting) each."""
        n = len(self.rows)
        ops = [
            f"{run.start()} {n - y - 1} {run.end() - run.start()} 1 re"
            for y, row in enumerate(self.rows)
            for run in DARK_RUN.finditer(row)
        ]
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.setFont(self.font, 9)
        canvas.drawString(self.size + 4 * mm, self.size - 10, "扫码核验真伪 / Verify:")
        canvas.setFont("Helvetica", 8)
        canvas.drawString(0, 2, self.url)  # printed too, for a reader without a camera
        cell = self.size / n
        canvas.transform(cell, 0, 0, cell, 0, 14)
        canvas.addLiteral("\n".join(ops) + "\nf")
        canvas.restoreState()


class SharedParagraph(Paragraph):
    """A paragraph that a batch draws on many pages: its lines are broken once per width.

    The household notices of one decision say the same paragraphs to every household; breaking
    Chinese text into lines is most of a page's layout, so a batch breaks each text once.
    """

    _wrapped: tuple | None = None
    _drawn: tuple | None = None

    def wrap(self, availWidth, availHeight):
        if self._wrapped is not None and self._wrapped[0] == availWidth:
            return self._wrapped[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped, self._drawn = (availWidth, size), None
        return size

    def _drawOn(self, canvas) -> None:
        """Drawn once per document and width; later pages repeat the operators it produced.

        ``Flowable.drawOn`` has moved the origin to the paragraph's place, so the operators are
        the same wherever it lands; they name the document's own font resources and subset
        codes, which is why they are kept per canvas.
        """
        key = (id(canvas), self._wrapped)
        if self._drawn is not None and self._drawn[0] == key:
            canvas.addLiteral(self._drawn[1])
            return
        start = len(canvas._code)
        super()._drawOn(canvas)
        self._drawn = (key, "\n".join(canvas._code[start:]))


@cache
def styles(body: str, title: str) -> dict[str, ParagraphStyle]:
    """The notice's styles for these font names (made once per process and pair)."""
    base = ParagraphStyle("body", fontName=body, fontSize=14, leading=22, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", fontName=title, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=2
        ),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, spaceAfter=10),
        "to": ParagraphStyle("to", parent=base, spaceBefore=6),
        "body": ParagraphStyle("text", parent=base, firstLineIndent=28),
        "cell": ParagraphStyle("cell", parent=base, fontSize=11, leading=16),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=14),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT),
        "state": ParagraphStyle(
            "state", parent=base, textColor=colors.red, alignment=TA_CENTER, fontName=title
        ),
    }


def _para(text, style, shared: dict | None = None) -> Paragraph:
    """A paragraph of ``text``; in a batch (``shared``), the same object for a text that recurs
    (``recurring``) wherever it does, so its lines are broken and drawn once."""
    text = str(text)
    if shared is None or text not in shared[RECURRING]:
        return Paragraph(escape(text), style)
    key = (text, style.name)
    found = shared.get(key)
    if found is None:
        found = shared[key] = SharedParagraph(escape(text), style)
    return found


RECURRING = "recurring"


def recurring(notices) -> set[str]:
    """The texts that more than one notice of the batch prints (body, facts, signer…)."""
    seen: Counter[str] = Counter()
    for notice in notices:
        c = notice.content
        texts = {c.get("title", ""), c.get("issuer", ""), c.get("date", ""), c.get("to", "")}
        texts.update(c.get("body", []))
        texts.update(str(x) for row in c.get("facts", []) for x in row)
        texts.add("依据：" + "　".join(x for x in (c.get("protocol"), c.get("clause")) if x))
        seen.update(texts)
    return {text for text, n in seen.items() if n > 1}


def story(notice, url: str, fonts: Fonts, shared: dict | None = None, codes=None) -> list[Flowable]:
    """The flowables of one notice, from its frozen content only (``shared``: a batch's
    paragraphs, reused across its notices)."""
    s = styles(fonts.body.name, fonts.title.name)
    c = notice.content

    def _p(text, style) -> Paragraph:
        return _para(text, style, shared)

    parts: list[Flowable] = [_p(c.get("title", ""), s["title"]), _p(notice.number, s["number"])]
    if notice.status != NoticeStatus.VALID:
        parts.append(_p(state_line(notice), s["state"]))
    if c.get("to"):
        parts.append(_p(c["to"], s["to"]))
    parts += [_p(text, s["body"]) for text in c.get("body", [])]
    if c.get("facts"):
        parts += [Spacer(1, 4 * mm), _facts(c["facts"], s["cell"], shared)]
    basis = "　".join(x for x in (c.get("protocol"), c.get("clause")) if x)
    if basis:
        parts += [Spacer(1, 3 * mm), _p(f"依据：{basis}", s["small"])]
    parts += [
        Spacer(1, 5 * mm),
        _p(c.get("issuer", ""), s["sign"]),
        _p(c.get("date", ""), s["sign"]),
        Spacer(1, 3 * mm),
        QRCode(url, fonts.body.name, codes=codes),
    ]
    return parts


def _facts(rows, style, shared: dict | None) -> Table:
    table = Table(
        [[_para(label, style, shared), _para(value, style, shared)] for label, value in rows],
        colWidths=[38 * mm, 122 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ]
        )
    )
    return table


def state_line(notice) -> str:
    """The line a revoked or superseded notice carries when printed again."""
    when = day_text(notice.revoked_at) if notice.revoked_at else ""
    if notice.status == NoticeStatus.SUPERSEDED and notice.superseded_by_id:
        return f"本文书已于{when}被{notice.superseded_by.number}替代"
    return f"本文书已于{when}撤销：{notice.reason}"


#: The frame of a page: A4 less the margins of an official document.
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 25 * mm, 20 * mm


def _canvas(out, title: str, fonts: Fonts) -> Canvas:
    """One PDF document, with the fonts used in its properties (decision 0043 point 6)."""
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Pingji")
    canvas.setCreator(CREATOR)
    canvas.setSubject(f"fonts: {fonts.summary}")
    canvas.setKeywords(f"font-body={fonts.body.label}; font-title={fonts.title.label}")
    return canvas


def _pages(canvas: Canvas, flowables: list[Flowable]) -> None:
    """Lay ``flowables`` out from a new page, on as many pages as they need.

    Straight onto frames of one canvas rather than through a document template, whose build
    takes each flowable off the head of one list (time quadratic in a batch's length).
    """
    width, height = A4
    while flowables:
        frame = Frame(
            LEFT,
            BOTTOM,
            width - LEFT - RIGHT,
            height - TOP - BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        before = len(flowables)
        frame.addFromList(flowables, canvas)
        canvas.showPage()
        if len(flowables) == before:  # taller than a page and unsplittable: leave it out
            flowables.pop(0)


def render(notice, url: str) -> bytes:
    """One notice as a PDF: a document of its own (the page, the API and the verification of
    one notice), with nothing to share."""
    fonts = pdf_fonts()
    out = io.BytesIO()
    canvas = _canvas(out, notice.number, fonts)
    _pages(canvas, story(notice, url, fonts))
    canvas.save()
    return out.getvalue()


def render_many(notices: Iterable[tuple], title: str) -> bytes:
    """Many notices — (notice, verification URL) pairs — as one PDF, each from a new page,
    rendered in one pass with shared fonts, styles, paragraphs and QR set-up."""
    fonts = pdf_fonts()
    pairs = list(notices)
    shared: dict = {RECURRING: recurring(n for n, _url in pairs)}
    codes = verification.BatchQR(pairs[0][1]) if len(pairs) >= BATCH_QR_FROM else None
    out = io.BytesIO()
    canvas = _canvas(out, title, fonts)
    collecting = gc.isenabled()
    gc.disable()  # ten thousand pages stay in memory until saved: no point in scanning them
    try:
        for notice, url in pairs:
            _pages(canvas, story(notice, url, fonts, shared, codes))
        if not pairs:
            _pages(canvas, [_para("—", styles(fonts.body.name, fonts.title.name)["body"])])
        canvas.save()
    finally:
        if collecting:
            gc.enable()
    return out.getvalue()
