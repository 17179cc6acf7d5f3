"""The verification link a notice prints as a QR code (decision 0043 point 4).

``PUBLIC_BASE_URL`` (read with ``getattr`` from the settings; default ``""``) is the address the
public reaches the platform at, e.g. ``https://pingji.example.gov.cn``: a notice rendered by a
job or the CLI has no request to take a host from. Empty means "the host of the request that
renders it", and, without a request, a path alone (what a test or a bare CLI run prints).
"""

import io
import re

import segno
from django.conf import settings
from django.urls import reverse

#: The QR mask pattern, fixed. Any of the eight masks makes a valid code (ISO/IEC 18004): the
#: search for the "best" one only avoids patterns that can trouble old readers, and costs 85 per
#: cent of encoding a code (6 ms of 7), paid again for each of a batch's ten thousand notices.
#: A code printed 28 mm wide with medium error correction scans with any mask.
QR_MASK = 2
#: What ``secrets.token_urlsafe(16)`` gives: 22 characters of the URL-safe alphabet. Anything
#: else — a notice number, a path, a very long string — is refused before any query.
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")


def is_token(text: str) -> bool:
    return bool(TOKEN.fullmatch(text or ""))


def base_url(request=None) -> str:
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base
    return request.build_absolute_uri("/").rstrip("/") if request is not None else ""


def absolute_url(notice, request=None) -> str:
    """The public verification page of ``notice``, absolute wherever a base is known."""
    return base_url(request) + reverse("notices:verify", args=[notice.token])


def _code(data: str | bytes):
    return segno.make_qr(data, error="m", mask=QR_MASK, boost_error=False)


def qr_rows(url: str) -> list[str]:
    """The QR code's rows of modules ("1" dark, "0" light), error correction M, no quiet zone."""
    return ["".join("1" if cell else "0" for cell in row) for row in _code(url).matrix]


def _as_int(data: bytes) -> tuple[int, int]:
    """(side, modules as one integer, row by row) of the code of ``data``."""
    matrix = _code(data).matrix
    bits = "".join("1" if cell else "0" for row in matrix for cell in row)
    return len(matrix), int(bits, 2)


class BatchQR:
    """The QR codes of a batch's URLs, which differ only in their tokens, from one code.

    With the version, error level and mask fixed, a code's modules are an affine function of
    its data bits: the data codewords are the bytes themselves, Reed–Solomon error correction is
    linear, placement is a fixed permutation and the mask a fixed XOR. So the code of any URL of
    the batch's length is the reference URL's code XOR, for each bit in which the two differ, the
    modules that bit flips — found once per bit position that ever differs (a token's 176 bits),
    then a few dozen integer XORs per notice instead of a full encoding. The result is the very
    code ``qr_rows`` gives (``tests/test_rendering.py`` holds them equal).
    """

    def __init__(self, reference: str):
        self.reference = reference.encode()
        self.side, self.base = _as_int(self.reference)
        self._flips: dict[tuple[int, int], int] = {}

    def _flip(self, position: int, bit: int) -> int:
        key = (position, bit)
        if key not in self._flips:
            ref = self.reference
            changed = ref[:position] + bytes([ref[position] ^ (1 << bit)]) + ref[position + 1 :]
            self._flips[key] = _as_int(changed)[1] ^ self.base
        return self._flips[key]

    def rows(self, url: str) -> list[str]:
        data = url.encode()
        if len(data) != len(self.reference):
            return qr_rows(url)
        modules = self.base
        for position, (byte, ref) in enumerate(zip(data, self.reference, strict=True)):
            differs = byte ^ ref
            for bit in range(8):
                if differs >> bit & 1:
                    modules ^= self._flip(position, bit)
        n = self.side
        text = format(modules, f"0{n * n}b")
        return [text[y * n : (y + 1) * n] for y in range(n)]


def qr_png(url: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make_qr(url, error="m", mask=QR_MASK).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
