"""Cells safe to open: what the platform writes into a workbook is shown, never evaluated.

Names, addresses, measures and a risk area's legal basis are typed by people — on the public
export, by anyone who can get a text published. A text starting with ``=`` would otherwise be
written by openpyxl as a live formula (``=HYPERLINK(…)``, ``=WEBSERVICE(…)``), which Excel and
LibreOffice run when the file is opened: the "formula injection" of the OWASP guidance (CSV
Injection). A text starting with any of the characters that guidance lists (``= + - @``, tab,
carriage return) is therefore written as an explicit string cell (``t="inlineStr"``, never an
``<f>`` element), which both programs display as typed. Numbers, dates and
empty cells stay what they are, negative numbers included.
"""

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText

#: First characters that make a spreadsheet program read text as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` for openpyxl: text that looks like a formula as string-typed text.

    openpyxl types any text starting with ``=`` as a formula; wrapped as (unformatted) rich text
    it is written as an inline string instead, in normal and write-only worksheets alike, and
    needs no worksheet to be made. Control characters XML cannot carry (which make openpyxl
    refuse the whole workbook) are dropped.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_START):
        return value
    return CellRichText([value])


def safe_row(values: Iterable) -> list:
    """A row for ``append`` with every cell passed through ``safe_cell``."""
    return [safe_cell(v) for v in values]
