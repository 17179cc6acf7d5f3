"""The fonts a notice is printed in (decision 0043 point 6), found once per process.

Official documents set the body in 仿宋 and titles in 黑体 (GB/T 9704). Those fonts are
installed only where someone installed them, so each role (body, title) takes the first of:
a file of that face in the usual font folders; a CJK font the machine has (WenQuanYi, Noto CJK,
Droid…, named in the document's properties as the fallback used); ReportLab's built-in CID font
``STSong-Light``, which needs no file and so works on a bare CI machine. ``PINGJI_NOTICE_FONTS``
(a folder, read with ``getattr`` from the settings) is searched first, for a deployment that
ships its licensed fonts beside the code.
"""

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

#: Folders searched, in order (Linux, macOS, Windows).
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    str(Path.home() / ".fonts"),
    str(Path.home() / ".local/share/fonts"),
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
#: File names of each face, lower case, most official first.
FANGSONG = ("fz仿宋_gbk.ttf", "simfang.ttf", "fangsong.ttf", "stfangso.ttf", "fzfsk.ttf")
HEITI = ("simhei.ttf", "fz黑体_gbk.ttf", "stheiti.ttf", "fzhtk.ttf", "stheitisc-medium.ttf")
#: CJK faces good enough when neither official one is there.
FALLBACKS = (
    "notoserifcjk-regular.ttc",
    "notosanscjk-regular.ttc",
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "droidsansfallbackfull.ttf",
    "uming.ttc",
)
CID_FALLBACK = "STSong-Light"


@dataclass(frozen=True)
class Face:
    """A font registered with ReportLab under ``name``, and how it was found."""

    name: str
    label: str  # what the document's properties say: 仿宋 (simfang.ttf), fallback …
    path: str | None


@dataclass(frozen=True)
class Fonts:
    body: Face
    title: Face

    @property
    def summary(self) -> str:
        """The fonts used, as the PDF's properties print them."""
        return f"body: {self.body.label}; title: {self.title.label}"


def _font_files() -> dict[str, str]:
    """Every font file of the searched folders, by lower-case file name (first found wins)."""
    extra = getattr(settings, "PINGJI_NOTICE_FONTS", "") or ""
    found: dict[str, str] = {}
    for folder in (extra, *FONT_DIRS):
        if not folder or not os.path.isdir(folder):
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc", ".otf")):
                    found.setdefault(name.lower(), os.path.join(root, name))
    return found


def _register(name: str, path: str) -> bool:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except (TTFError, OSError, ValueError):
        return False
    return True


def _face(role: str, wanted: tuple[str, ...], files: dict[str, str]) -> Face:
    official = "仿宋" if role == "body" else "黑体"
    for file_name in wanted:
        path = files.get(file_name)
        if path and _register(f"pingji-{role}", path):
            return Face(f"pingji-{role}", f"{official} ({os.path.basename(path)})", path)
    for file_name in FALLBACKS:
        path = files.get(file_name)
        if path and _register(f"pingji-{role}", path):
            label = f"fallback for {official}: {os.path.basename(path)}"
            return Face(f"pingji-{role}", label, path)
    return _cid_face(official)


def _cid_face(official: str) -> Face:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return Face(CID_FALLBACK, f"fallback for {official}: {CID_FALLBACK} (built in)", None)


@cache
def pdf_fonts() -> Fonts:
    """The body and title faces, found and registered once per process."""
    files = _font_files()
    body, title = _face("body", FANGSONG, files), _face("title", HEITI, files)
    if title.path is not None and title.path == body.path:
        title = Face(body.name, title.label, title.path)  # one file embedded once, not twice
    if title.path is None and body.path is None:
        title = Face(body.name, title.label, None)
    return Fonts(body=body, title=title)


def forget() -> None:
    """Search again on the next call (tests that hide the machine's fonts)."""
    pdf_fonts.cache_clear()
