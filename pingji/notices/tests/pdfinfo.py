"""Reading back what a test needs of a PDF without a PDF library: the document information
(title, subject, keywords) and the page count."""

import re

ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(data: bytes, start: int) -> bytes:
    """The bytes of the PDF literal string opening at ``data[start] == b'('``."""
    out, i, depth = bytearray(), start + 1, 1
    while i < len(data):
        c = data[i : i + 1]
        if c == b"\\":
            nxt = data[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            out += ESCAPES.get(nxt, nxt)
            i += 2
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if depth == 0:
                break
        out += c
        i += 1
    return bytes(out)


def info(data: bytes, key: str) -> str:
    at = data.find(f"/{key} (".encode())
    if at < 0:
        return ""
    raw = _literal(data, at + len(key) + 2)
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", data))
