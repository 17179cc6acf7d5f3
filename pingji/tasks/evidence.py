"""Evidence files: what is accepted, judged by the bytes, not by the name or the browser's word.

A file named ``notice.jpg`` that holds an HTML page would be served back to other users; checking
the extension alone would let it through. ``sniff`` reads the first bytes (the format's magic
number) and the file must be of a type its extension promises. Files are then only ever served as
downloads with the sniffed type (``views.EvidenceDownloadView``), never inline.
"""

import zipfile
from pathlib import PurePath

from django.utils.translation import gettext as _

#: Evidence files: phone photos, scans and office documents. Nothing a browser would run.
EVIDENCE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "heic", "pdf", "docx", "xlsx")
#: A phone photo is 2–8 MB and a scanned form a few MB; 20 MB leaves room without inviting dumps.
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
#: At most this many files in one submission: a rectification is shown by a few photos and forms.
MAX_EVIDENCE_FILES = 10

#: extension → the content type its bytes must sniff as
EXPECTED = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _office_type(file) -> str:
    """A zip is a .docx or .xlsx only if it holds that format's main part."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    finally:
        file.seek(0)
    if "word/document.xml" in names:
        return EXPECTED["docx"]
    if "xl/workbook.xml" in names:
        return EXPECTED["xlsx"]
    return ""


def sniff(file) -> str:
    """The content type the file's first bytes show ("" when none of the accepted ones)."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(file)
    return ""


def file_error(file) -> str | None:
    """Why this upload is refused as evidence, or None: type by extension and by content, size."""
    name = file.name or ""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in EVIDENCE_EXTENSIONS:
        return _("%(name)s: only %(allowed)s files are accepted.") % {
            "name": name,
            "allowed": ", ".join(EVIDENCE_EXTENSIONS),
        }
    if not file.size:
        return _("%(name)s is empty.") % {"name": name}
    if file.size > MAX_EVIDENCE_BYTES:
        return _("%(name)s is larger than %(mb)d MB.") % {
            "name": name,
            "mb": MAX_EVIDENCE_BYTES // (1024 * 1024),
        }
    if sniff(file) != EXPECTED[suffix]:
        return _("%(name)s is not really a %(ext)s file: its content does not match its name.") % {
            "name": name,
            "ext": suffix,
        }
    return None
