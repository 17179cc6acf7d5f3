"""Writing a push's rows as plain tuples: the set-based path's one costly step made cheap.

``core.rows.insert`` builds a model instance per row and prepares each field through Django, which
for a million pushed rows costs more than matching them. The rows here are all built by this app
from checked values of known types, so they go to the driver as tuples in the table's column
order: ``COPY`` on PostgreSQL, ``executemany`` elsewhere, one change-log entry per statement
(``core.audit.log_statement``), exactly as a load's ``rows.insert`` is logged.
"""

from collections.abc import Sequence

from django.db import connection

from pingji.core.audit import log_statement
from pingji.core.choices import ChangeAction

from .models import PushRow

CHUNK = 20_000
#: SQLite's page cache for a load (KiB, negative as the pragma takes it): the two indexes on
#: random keys (hash, de-duplication key) of a million-row push otherwise re-read their pages
#: from disk for every row once the default 2 MB cache is full.
SQLITE_CACHE_KIB = 256 * 1024
#: The columns written, in this order (every other column of ``PushRow`` is empty on insert).
COLUMNS = (
    "push_id", "jurisdiction_id", "line", "name", "id_number_hash", "id_number_masked",
    "phone_cipher", "phone_hash", "phone_masked", "region", "colour", "at", "until", "reference",
    "person_id", "outcome", "reason_code", "reason", "dedup_key",
)  # fmt: skip


def adapt_time(value):
    """A datetime as the database driver takes it (SQLite keeps text in UTC)."""
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def insert_rows(rows: Sequence[tuple], *, what: str, code: str) -> int:
    """Insert ``rows`` (tuples in ``COLUMNS`` order); returns how many."""
    if not rows:
        return 0
    table = connection.ops.quote_name(PushRow._meta.db_table)
    columns = [connection.ops.quote_name(c) for c in COLUMNS]
    with connection.cursor() as cursor:
        big_sqlite = connection.vendor == "sqlite" and len(rows) > CHUNK
        if big_sqlite:
            cursor.execute("PRAGMA cache_size")
            before = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", chunk
                )
            log_statement(PushRow, ChangeAction.CREATE, len(chunk), what=what, code=code)
        if big_sqlite:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
    return len(rows)
