"""What every file import shares: the per-row error report and the text encodings people send.

Handbook: bad input gets a clear error and loses nothing. Every importer checks the whole file
before writing anything and reports each problem with the row a spreadsheet shows (the CSV header
is row 1), the field and the reason — at most ``MAX_REPORTED`` of them, with the total count.
CSV files come as UTF-8 (with or without BOM) or as GBK, as many provincial systems export them.
"""

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

#: Problems listed per refused file; the report also carries the total count.
MAX_REPORTED = 1000
#: Bytes read at a time when checking or converting an encoding.
CHUNK = 8 << 20


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str


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


def line_of(message: str) -> int:
    """The line number DuckDB's CSV reader names in its error, or 0."""
    for marker in ("Line: ", "line "):
        if marker in message:
            digits = message.split(marker, 1)[1].split()[0].strip(".,:")
            if digits.isdigit():
                return int(digits)
    return 0
