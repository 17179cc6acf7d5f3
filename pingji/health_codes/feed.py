"""The instruction feed as the code system reads it: its fields, a day's file, a day's balance.

Field names and their sources are in ``data/instruction_fields.json`` (GB/T 38962-2020 and
38963-2020 where their content could be read; docs/decisions/0044 says what could not). The feed
never carries a plain identity number nor a keyed hash: the person is named by the masked number,
the name and the platform's person reference agreed with the code system.
"""

import csv
import datetime
import io
import json
from functools import cache
from pathlib import Path

from django.utils import timezone

from .models import Instruction

FIELDS_FILE = Path(__file__).resolve().parent / "data" / "instruction_fields.json"
#: Text a spreadsheet would evaluate, quoted in the exported file.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@cache
def field_list() -> list[dict]:
    return json.loads(FIELDS_FILE.read_text(encoding="utf-8"))["fields"]


def as_feed(row: Instruction) -> dict:
    """One instruction in the feed's field names (``field_list``)."""
    return {
        "sequence": row.sequence,
        "person_ref": row.person_id,
        "name": row.name,
        "id_type": "01",
        "id_number": row.id_number_masked,
        "region": row.jurisdiction_id[:6],
        "colour": row.colour,
        "cause": row.cause_kind,
        "protocol": row.protocol,
        "clause": row.clause,
        "occurred_at": row.at.isoformat(),
        "issued_at": row.issued_at.isoformat(),
        "current": row.current,
        "superseded_by": row.superseded_by,
    }


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return start, start + datetime.timedelta(days=1)


def of_day(rows, day: datetime.date):
    start, end = day_bounds(day)
    return rows.filter(issued_at__gte=start, issued_at__lt=end).order_by("sequence")


def balance(rows, day: datetime.date, limit: int = 500) -> dict:
    """The day's instructions sent against those acknowledged, and which still wait."""
    issued = of_day(rows, day)
    waiting = issued.filter(acked_at__isnull=True)
    return {
        "day": day.isoformat(),
        "issued": issued.count(),
        "acknowledged": issued.filter(acked_at__isnull=False).count(),
        "waiting": waiting.count(),
        "superseded": issued.filter(current=False).count(),
        "waiting_sequences": list(waiting.values_list("sequence", flat=True)[:limit]),
    }


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def day_file(rows, day: datetime.date) -> str:
    """The day's instructions as CSV (UTF-8 with BOM, which Excel opens as UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    names = [f["name"] for f in field_list()]
    writer = csv.writer(out)
    writer.writerow(names)
    for row in of_day(rows, day).iterator(chunk_size=2000):
        data = as_feed(row)
        writer.writerow([_safe(data[n]) for n in names])
    return out.getvalue()
