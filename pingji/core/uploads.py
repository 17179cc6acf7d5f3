"""Uploaded files: size-limited, streamed to disk, encrypted at rest, and gone when the job ends.

Uploads carry plain identity numbers and phones, which the platform otherwise keeps only
encrypted (pingji/core/crypto.py). So every file an importer keeps for a background job goes
through ``store``: it is refused above its size limit, written chunk by chunk (never read whole
into memory), owner-only (mode 0600) and encrypted with a key derived from
``settings.FIELD_ENCRYPTION_KEY``. The job reads it through ``opened`` (a plain copy in a private
temporary folder, removed when the job is done) and calls ``finish`` when it ends, applied or
refused: the file is deleted then, unless ``PINGJI_UPLOAD_RETENTION_HOURS`` keeps the encrypted
copy for that long; ``sweep`` (run when a job runner starts) removes the expired ones, and those
whose job never ended.

Spreadsheets are inspected before openpyxl opens them (``check_xlsx``): an .xlsx is a zip, and a
100 KB file can expand to gigabytes of XML that openpyxl would hold in memory.
"""

import contextlib
import hashlib
import os
import struct
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _

from pingji.core.crypto import file_fernet

#: The largest upload of any kind unless ``PINGJI_MAX_UPLOAD_BYTES`` says otherwise.
DEFAULT_MAX_BYTES = 50 << 20
UPLOAD_DIR = "uploads"
#: Plain bytes per encrypted record: bounds the memory a file of any size needs.
RECORD = 1 << 20
_HEAD = struct.Struct(">I")  # the length of each encrypted record
_SEQ = struct.Struct(">Q?")  # inside each record: plain bytes up to its end, and "last"

#: What an .xlsx may expand to. A province's 250,000-row registry is some 80 MB of sheet XML;
#: XML compresses 5–20 times, so a member a hundred times smaller zipped is built to explode.
XLSX_MAX_TOTAL = 400 << 20
XLSX_MAX_MEMBER = 300 << 20
XLSX_MAX_RATIO = 100


@dataclass(frozen=True)
class Stored:
    name: str  # a bare file name inside the uploads folder
    sha256: str  # of the plain content
    size: int


def max_bytes(kind_limit: int | None = None) -> int:
    """The size limit of an upload: the platform's, or the kind's when that is smaller."""
    limit = getattr(settings, "PINGJI_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)
    return min(limit, kind_limit) if kind_limit else limit


def too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than %(n)s MB; split it.") % {"n": round(limit / (1 << 20), 1)},
        code="too_large",
    )


def check_size(file, kind_limit: int | None = None) -> None:
    """Refuse a file above its limit before anything reads it (``size`` is known on upload)."""
    limit = max_bytes(kind_limit)
    if (getattr(file, "size", 0) or 0) > limit:
        raise too_large(limit)


def size_limit(kind_limit: int | None = None):
    """A field validator (Django forms and DRF serializers) refusing files above the limit."""

    def validate(file) -> None:
        check_size(file, kind_limit)

    return validate


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def path_of(name: str) -> Path:
    """The stored file of a name (a bare file name, never a path)."""
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / Path(str(name)).name


def _private(path: Path):
    """A new file only its owner may read, whatever the process umask."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def store(file, *, suffix: str, kind_limit: int | None = None) -> Stored:
    """Stream an upload (a Django ``File`` or bytes) to an encrypted file; refuse it when too large.

    The size is checked before reading and again while reading, as a client may lie about it.
    """
    if isinstance(file, bytes | bytearray):
        file = ContentFile(bytes(file))
    limit = max_bytes(kind_limit)
    if (getattr(file, "size", 0) or 0) > limit:
        raise ValidationError({"file": too_large(limit)})
    name = f"{uuid.uuid4().hex}{suffix}.enc"
    target = folder() / name
    digest, size = hashlib.sha256(), 0
    try:
        with _private(target) as out:
            for data in _records(_chunks(file)):
                digest.update(data)
                size += len(data)
                if size > limit:
                    raise ValidationError({"file": too_large(limit)})
                out.write(_seal(data, size, last=False))
            out.write(_seal(b"", size, last=True))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Stored(name=name, sha256=digest.hexdigest(), size=size)


def _chunks(file: File) -> Iterator[bytes]:
    if hasattr(file, "seek"):
        with contextlib.suppress(OSError, ValueError):
            file.seek(0)
    yield from file.chunks(RECORD)


def _records(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks re-cut to at most ``RECORD`` bytes each."""
    for chunk in chunks:
        for start in range(0, len(chunk), RECORD):
            yield chunk[start : start + RECORD]


def _seal(data: bytes, position: int, *, last: bool) -> bytes:
    """One record: its position (so records cannot be reordered or cut off) and its bytes."""
    token = file_fernet().encrypt(_SEQ.pack(position, last) + data)
    return _HEAD.pack(len(token)) + token


def decrypt_to(name: str, target: Path) -> None:
    """Write the plain content of a stored upload to ``target`` (owner-only), record by record."""
    fernet, position, finished = file_fernet(), 0, False
    with path_of(name).open("rb") as source, _private(target) as out:
        while head := source.read(_HEAD.size):
            try:
                plain = fernet.decrypt(source.read(_HEAD.unpack(head)[0]))
            except (InvalidToken, struct.error):
                raise ValueError("the stored upload is damaged") from None
            at, last = _SEQ.unpack_from(plain)
            data = plain[_SEQ.size :]
            position += len(data)
            if finished or at != position:
                raise ValueError("the stored upload is damaged")
            finished = last
            out.write(data)
    if not finished:
        raise ValueError("the stored upload is cut short")


@contextlib.contextmanager
def opened(name: str, plain_name: str = "upload") -> Iterator[Path]:
    """A plain copy of a stored upload for the job, in a private folder removed afterwards.

    ``plain_name`` keeps the suffix readers go by (``.csv``, ``.parquet``, ``.xlsx``).
    """
    with tempfile.TemporaryDirectory(prefix="pingji-upload-") as tmp:
        plain = Path(tmp) / Path(plain_name).name
        decrypt_to(name, plain)
        yield plain


def plain_name(name: str) -> str:
    """``upload.csv`` for ``<uuid>.csv.enc``: the suffix of what was uploaded."""
    suffix = Path(Path(name).stem).suffix
    return f"upload{suffix}"


def retention_hours() -> float:
    return float(getattr(settings, "PINGJI_UPLOAD_RETENTION_HOURS", 0) or 0)


#: A stored upload whose job has not ended after this long is abandoned (its job was removed or
#: failed for good); a job still queued may wait for a worker, so this is far beyond any queue.
ABANDONED_HOURS = 7 * 24
KEPT = ".kept"


def finish(name: str) -> None:
    """The job that needed the upload has ended: delete it, or mark it kept for the retention.

    A kept file is renamed (``….kept``) and its clock restarts, so the sweep can tell a file no
    job needs any more from one a queued job is still waiting for.
    """
    if retention_hours() <= 0:
        discard(name)
        return
    path = path_of(name)
    with contextlib.suppress(FileNotFoundError):
        kept = path.rename(path.with_name(path.name + KEPT))
        os.utime(kept)


def discard(name: str) -> None:
    """Delete a stored upload no job will read (refused before queueing, or a repeat)."""
    if name:
        path_of(name).unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Delete kept uploads past their retention and abandoned ones; answers how many.

    A file whose job has not ended is never touched before ``ABANDONED_HOURS``: jobs are
    delivered again after a crash (decision 0032) and must find their file.
    """
    removed = _remove_plain_legacy()
    base = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    if not base.is_dir():
        return removed
    now = now or time.time()
    for pattern, hours in (("*.enc" + KEPT, retention_hours()), ("*.enc", ABANDONED_HOURS)):
        for path in base.glob(pattern):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime <= now - hours * 3600:
                    path.unlink()
                    removed += 1
    return removed


#: Where uploads were kept in plain text, for ever, before this store (testing's files by hash,
#: the line-list and registry imports): nothing reads them any more.
LEGACY_DIRS = ("testing", "imports")


def _remove_plain_legacy() -> int:
    removed = 0
    for legacy in LEGACY_DIRS:
        for path in (Path(settings.MEDIA_ROOT) / legacy).glob("*"):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def check_xlsx(source) -> None:
    """Refuse a workbook whose zip would expand beyond what openpyxl can safely hold.

    ``source``: a path or a binary file object (left where it was). Raises ``ValidationError``
    with the reason as its message.
    """
    position = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        message = _("The file is not an Excel workbook (.xlsx).")
        raise ValidationError(message, code="invalid") from None
    finally:
        if position is not None:
            source.seek(position)
    total = sum(m.file_size for m in members)
    if total > XLSX_MAX_TOTAL or any(_explodes(m) for m in members):
        raise ValidationError(
            _(
                "The workbook expands to more data than can be read safely (%(mb)s MB unpacked); "
                "save it again from Excel, or split it."
            )
            % {"mb": round(total / (1 << 20))},
            code="too_large",
        )


def _explodes(member: zipfile.ZipInfo) -> bool:
    """Too large unpacked, or (above a megabyte) compressed far more than real XML is."""
    if member.file_size > XLSX_MAX_MEMBER:
        return True
    ratio = member.file_size / max(member.compress_size, 1)
    return member.file_size > RECORD and ratio > XLSX_MAX_RATIO
