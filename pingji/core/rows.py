"""Writing many leaf rows fast: the rows ``bulk_create`` would write, without its cost.

Django's ``bulk_create`` compiles every value of every row into the SQL text (on SQLite, batches
of 999 parameters); for the demo replay's tens of thousands of checks, tests and events that
compiling took most of the quarantine step (bench/demo.py), and for a bulk tracing write's
thousands of events nobody subscribes to, most of the write (bench/contacts.py). :func:`insert`
prepares each value the same way (``pre_save``, then ``get_db_prep_save``) and hands the rows to
the driver in one statement: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Like
``bulk_create`` it sends no signals; unlike it, it gives no ids back, so it is for rows nothing
refers to afterwards. Each call is logged as one statement of the load
(``core.audit.log_statement``), as a load's ``bulk_create`` is. :func:`update` does the same for
``bulk_update`` (whose ``CASE WHEN`` per row is as slow to compile): one ``UPDATE … WHERE pk``
run for every row.
"""

from collections.abc import Iterable

from django.db import connections, router
from django.db.models import Model

from .audit import is_audited, log_statement
from .choices import ChangeAction

CHUNK = 5000


def insert(model: type[Model], objs: Iterable[Model]) -> int:
    """Insert unsaved ``objs`` of ``model``; returns how many."""
    objs = list(objs)
    if not objs:
        return 0
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    columns = [f.column for f in fields if f.column]  # a concrete field always has one
    connection = connections[router.db_for_write(model) or "default"]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(fields)),
    )
    rows = []
    for obj in objs:
        # as bulk_create does: take the ids of parents saved since the row was built
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
        rows.append(tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, quote(meta.db_table), [quote(c) for c in columns], rows)
        else:
            for start in range(0, len(rows), CHUNK):
                cursor.executemany(sql, rows[start : start + CHUNK])
    if is_audited(model):
        log_statement(model, ChangeAction.CREATE, len(rows))
    return len(rows)


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    """PostgreSQL's ``COPY … FROM STDIN``: the rows streamed in one statement, adapted by the
    same dumpers as parameters are (a JSON payload included), at a fraction of the cost of
    ``executemany``'s statement per row."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def update(model: type[Model], objs: Iterable[Model], names: list[str]) -> int:
    """Write the fields ``names`` of saved ``objs`` (as ``bulk_update`` does); returns how many."""
    objs = list(objs)
    if not objs:
        return 0
    meta = model._meta
    concrete = {f.name: f for f in meta.concrete_fields}
    fields, key = [concrete[name] for name in names], concrete[meta.pk.name if meta.pk else "id"]
    connection = connections[router.db_for_write(model) or "default"]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields if f.column),
        quote(key.column or "id"),
    )
    rows = [
        (*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields), obj.pk)
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])
    if is_audited(model):
        log_statement(model, ChangeAction.UPDATE, len(rows), set=sorted(names))
    return len(rows)
