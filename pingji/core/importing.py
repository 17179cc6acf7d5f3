"""What every file import shares: the per-row error report and the text encodings people send.

Bad input gets a clear error and loses nothing. Every importer checks the whole file
before writing anything and reports each problem with the row a spreadsheet shows (the CSV header
is row 1), the field and the reason — at most ``MAX_REPORTED`` of them, with the total count.
CSV files come as UTF-8 (with or without BOM) or as GBK, as many provincial systems export them.

A report is read by everyone who may see the import, grid workers included, so what it repeats of
the file passes ``redact``: identity and phone numbers masked, long cells cut.
"""

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .personal_data import mask_id_number, mask_phone

#: Problems listed per refused file; the report also carries the total count.
MAX_REPORTED = 1000
#: Bytes read at a time when checking or converting an encoding.
CHUNK = 8 << 20
#: The longest cell a report repeats, and the longest reason it gives.
VALUE_CHARS = 80
REASON_CHARS = 300
#: The longest CSV cell and line read. Python's csv module stops at 128 KiB by default; the limit is
#: set here on purpose so that a longer cell (usually a quote left open, which swallows the rest
#: of the file) is refused with its line number instead of failing the request.
CSV_FIELD_LIMIT = 128 << 10
CSV_LINE_LIMIT = 1 << 20

_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def redact(value, limit: int = VALUE_CHARS) -> str:
    """Text fit for an error report: identity and phone numbers masked, cut at ``limit``."""
    text = "" if value is None else str(value)
    if len(text) > limit * 4:  # masking a megabyte cell only to cut it would waste time
        text = text[: limit * 4]
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = _PHONE.sub(lambda m: mask_phone(m.group()), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str

    def __post_init__(self):
        object.__setattr__(self, "reason", redact(self.reason, REASON_CHARS))


@dataclass
class ImportReport:
    rows: int = 0
    files: list[Path] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class Refused(Exception):
    """The file cannot be read at all: one error stands for the whole file."""

    def __init__(self, error: RowError):
        self.error = error


def utf8_copy(path: Path, tmp: Path) -> Path:
    """The file itself when it is UTF-8, else a UTF-8 copy of its GBK text, else refuse.

    UTF-8 is tried first and strictly: a GBK file almost never decodes as UTF-8, while many
    UTF-8 files would decode as (wrong) GBK.
    """
    bad_at = _first_undecodable(path, "utf-8")
    if bad_at is None:
        return path
    target = tmp / "utf8.csv"
    decoder = codecs.getincrementaldecoder("gbk")("strict")
    try:
        with open(path, "rb") as source, open(target, "w", encoding="utf-8") as out:
            while chunk := source.read(CHUNK):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        with open(path, "rb") as source:
            line = source.read(bad_at).count(b"\n") + 1
        raise Refused(RowError(line, "", _("the file is neither UTF-8 nor GBK text"))) from None
    return target


def _first_undecodable(path: Path, encoding: str) -> int | None:
    """Byte offset of the first byte that does not decode, or None when all of it does."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with open(path, "rb") as source:
        try:
            while chunk := source.read(CHUNK):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return max(0, offset + exc.start)
    return None


def reader_error(exc: Exception) -> str:
    """A CSV reader's error without the line it quotes (the report names the line instead)."""
    text = str(exc)
    for marker in ("Original Line", "\n\n"):
        text = text.split(marker, 1)[0]
    return redact(text.strip(), REASON_CHARS // 2)


def line_of(message: str) -> int:
    """The line number DuckDB's CSV reader names in its error, or 0."""
    for marker in ("Line: ", "line "):
        if marker in message:
            digits = message.split(marker, 1)[1].split()[0].strip(".,:")
            if digits.isdigit():
                return int(digits)
    return 0


@contextlib.contextmanager
def text_of(file, encoding: str = "utf-8-sig") -> Iterator[io.TextIOWrapper]:
    """An uploaded (binary) file read as text, without reading it whole into memory."""
    binary = getattr(file, "file", file)
    binary.seek(0)
    wrapper = io.TextIOWrapper(binary, encoding=encoding, newline="")
    try:
        yield wrapper
    finally:
        wrapper.detach()  # leave the upload open for its owner to close


def csv_rows(handle) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of CSV text; ``Refused`` at the first line that cannot be read.

    Lines are read at most ``CSV_LINE_LIMIT`` characters at a time, so one endless line costs
    no more memory than that.
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(_bounded_lines(handle))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise Refused(
                RowError(
                    reader.line_num,
                    "",
                    _("a cell longer than %(n)d KB, or a quote left open")
                    % {"n": CSV_FIELD_LIMIT >> 10},
                )
            ) from None
        except UnicodeDecodeError:
            raise Refused(
                RowError(reader.line_num + 1, "", _("the file is not UTF-8 text"))
            ) from None
        yield reader.line_num, row


def csv_records(
    handle, required: Sequence[str], max_rows: int
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) of each non-blank row of a CSV upload under its header.

    Every refusal of the file as a whole is a ``ValidationError`` on ``file``: a required column
    missing, more than ``max_rows`` rows, a line that cannot be read (``csv_rows``).
    """
    rows = csv_rows(handle)
    try:
        _line, header = next(rows, (0, []))
        fields = [h.strip() for h in header]
        if not set(required) <= set(fields):
            message = _("The file needs the columns %(columns)s.")
            raise ValidationError({"file": message % {"columns": ", ".join(required)}})
        for n, cells in rows:
            if n > max_rows + 1:
                raise ValidationError(
                    {"file": _("At most %(n)s rows at a time.") % {"n": max_rows}}
                )
            if any(c.strip() for c in cells):
                yield n, dict(zip(fields, cells, strict=False))
    except Refused as refused:
        message = _("line %(n)s: %(reason)s")
        raise ValidationError(
            {"file": message % {"n": refused.error.row, "reason": refused.error.reason}}
        ) from None


def _bounded_lines(handle) -> Iterator[str]:
    number = 0
    while line := handle.readline(CSV_LINE_LIMIT):
        number += 1
        if len(line) >= CSV_LINE_LIMIT and not line.endswith("\n"):
            raise Refused(
                RowError(
                    number,
                    "",
                    _("a line longer than %(n)d KB") % {"n": CSV_LINE_LIMIT >> 10},
                )
            )
        yield line
