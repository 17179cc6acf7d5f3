"""Notice numbers (decision 0043 point 3): ``<issuer's short name>〔year〕<kind letter>第NNNN号``.

The sequence comes from one counter row per (issuer, kind, year), locked ``FOR UPDATE`` by the
transaction that issues: a block of thousands of sealing notices takes the lock once and numbers
them consecutively. The counter moves in the same transaction as the notices it numbers, so a
rolled-back issue takes its numbers back with it (those numbers were never printed) and a
concurrent issuer waits for the lock and continues after the last committed number: at most a
gap, never two notices with one number. The unique constraints on the notice row (number, and
issuer–kind–year–sequence) hold whatever this code gets wrong.
"""

from contextlib import suppress

from django.db import IntegrityError, transaction

from .choices import LETTERS
from .models import NoticeCounter

#: Suffixes dropped from a jurisdiction's name to make the short name a number starts with
#: (仙游县 → 仙游, 莆田市 → 莆田), longest first so that 自治县 goes before 县.
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "街道", "省", "市", "县", "区", "镇", "乡")


def short_name(name: str) -> str:
    """The issuer's name as numbers print it: without its level's suffix when two characters
    or more are left (a county called 城区 keeps its whole name)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def number(issuer_name: str, kind: str, year: int, sequence: int) -> str:
    return f"{short_name(issuer_name)}〔{year}〕{LETTERS[kind]}第{sequence:04d}号"


def allot(issuer_code: str, kind: str, year: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive sequence numbers and return the first one.

    Must run inside the issuing transaction: the counter row stays locked until it commits, so a
    concurrent issuer of the same (issuer, kind, year) waits and then continues after our block.
    The row is created on first use in a savepoint; a racing creator makes us read theirs.
    """
    if count < 1:
        raise ValueError("allot at least one number")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are allotted inside the issuing transaction")
    key = {"issuer_id": issuer_code, "kind": kind, "year": year}
    counter = NoticeCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        # created meanwhile by a concurrent issuer: read and lock theirs
        with suppress(IntegrityError), transaction.atomic():
            NoticeCounter.objects.create(**key)
        counter = NoticeCounter.objects.select_for_update().get(**key)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first
