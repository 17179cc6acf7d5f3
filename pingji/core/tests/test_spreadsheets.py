"""Every workbook the platform writes shows text as text: no cell is ever a formula."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from pingji.core.exports import _cell
from pingji.core.spreadsheets import safe_row

HOSTILE = ['=HYPERLINK("http://example.invalid","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def formulas(content: bytes) -> list[str]:
    """The ``<f>`` elements of every sheet of a saved workbook."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    xml = "".join(
        archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
    )
    return [part for part in xml.split("<f")[1:] if part[:1] in (">", " ")]


@pytest.mark.parametrize("write_only", [True, False])
def test_formula_text_is_a_string_and_numbers_stay_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    sheet.append(safe_row([*HOSTILE, -5, 2.5, 0, None, "plain", "a\x00b"]))
    content = saved(book)
    assert formulas(content) == []
    cells = list(load_workbook(io.BytesIO(content)).worksheets[0][1])
    for cell, text in zip(cells, HOSTILE, strict=False):
        assert (cell.value, cell.data_type) == (text, "s")
    numbers = cells[len(HOSTILE) : len(HOSTILE) + 3]
    assert [(c.value, c.data_type) for c in numbers] == [(-5, "n"), (2.5, "n"), (0, "n")]
    assert cells[-1].value == "ab"  # a control character XML cannot carry is dropped


def test_the_list_export_cell_keeps_types_and_neutralises_text():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    when = datetime.datetime(2021, 9, 11, 8, 0, tzinfo=datetime.UTC)
    sheet.append([_cell(v) for v in ("=1+1", -3, Decimal("-1.5"), when, datetime.date(2021, 9, 1))])
    content = saved(book)
    assert formulas(content) == []
    values = [c.value for c in load_workbook(io.BytesIO(content)).worksheets[0][1]]
    assert values[:3] == ["=1+1", -3, "-1.5"]
    assert values[3] == datetime.datetime(2021, 9, 11, 16, 0)  # shown in Asia/Shanghai
