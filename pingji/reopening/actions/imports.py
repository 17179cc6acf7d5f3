"""Excel imports of the registry and of survey returns: all rows or none, checked first.

The workbook is read and every row checked by ``workbooks`` before anything is written; any
error returns the list of (row, column, reason) and nothing is written. The writes then go in one
transaction: one insert statement run over every row for the registry, so a province's 200,000
rows take seconds (bench/reopening.py); the survey's own action per answer for the returns, so an
imported answer and a typed one have the same effects.

The registry import is idempotent by its rows' natural keys (docs/decisions/0039): a row that is
an establishment already registered (its credit code, or its name in its grid and kind) is left as
it is and counted as ``already``, so a workbook imported twice — or the job delivered again after
a kill that came after its commit — registers each establishment once.
"""

import os
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock, uploads
from pingji.core.access import scope_code
from pingji.core.audit import log_statement
from pingji.core.choices import ChangeAction
from pingji.core.context import current_actor
from pingji.core.events import record_event
from pingji.core.jobs import job
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..choices import Status
from ..contracts import IMPORTED
from ..models import Establishment, Survey
from ..workbooks import (
    ESTABLISHMENT_COLUMNS,
    ESTABLISHMENT_REQUIRED,
    RETURN_COLUMNS,
    RETURN_REQUIRED,
    check_establishments,
    check_returns,
    error,
    establishment_ids,
    read_sheet,
)
from .surveys import do_answer_survey

#: Rows per ``executemany`` of the registry insert.
BATCH = 2000
#: Workbooks above this size (some 30,000 rows) are imported by a background job; smaller ones in
#: the request, so their errors show on the form at once.
LARGE_UPLOAD_BYTES = 2 * 1024 * 1024


def import_establishments(source, *, actor, area: Jurisdiction) -> dict:
    """Register every row of the workbook in ``area`` (inside the actor's area), or none."""
    own = scope_code(actor)
    if (
        own is None
        or not area.code.startswith(own)
        or not actor.has_perm("reopening.add_establishment")
    ):
        raise PermissionDenied(_("This area is outside yours."))
    rows, errors = read_sheet(source, ESTABLISHMENT_COLUMNS, ESTABLISHMENT_REQUIRED)
    result = {"rows": len(rows), "created": 0, "already": 0, "errors": errors}
    if errors:
        return result
    codes = set(Jurisdiction.objects.subtree(area.code).values_list("code", flat=True))
    built, errors = check_establishments(rows, area=area.code, codes=codes)
    if errors:
        result["errors"] = errors
        return result
    result["already"] = len(rows) - len(built)  # the same establishments, registered before
    if not built:
        return result
    try:
        with transaction.atomic():
            _insert(built)
            record_event(
                IMPORTED,
                message(gettext_noop("%(n)d establishments imported"), {"n": len(built)}),
                jurisdiction_code=area.code,
                actor=actor,
                payload={"rows": len(built)},
            )
    except IntegrityError:  # registered concurrently by someone else
        result["errors"] = [
            error(None, "", _("Some rows were registered meanwhile; import again to see which."))
        ]
        return result
    result["created"] = len(built)
    return result


def _insert(rows: list[dict]) -> None:
    """Insert checked rows with one prepared statement run over all of them.

    ``bulk_create`` builds a model instance and prepares every field of every row in Python,
    which costs more than reading the workbook at a province's 200,000 rows (bench/reopening.py);
    the rows here are already checked, so each is only a tuple of its columns. Like a load's
    ``bulk_create`` it is logged as one change-log entry (``core.audit.log_statement``: how many
    rows, into which jurisdictions), besides the import's ``reopening.imported`` event.
    """
    meta = Establishment._meta
    now = clock.now()
    fixed = {
        "key": False,
        "status": Status.OPEN,
        "status_since": now,
        "created_at": now,
        "place_id": None,
        "liaison_id": None,
    }
    columns = [*rows[0], *fixed] if rows else []
    by_attname = {f.attname: f for f in meta.concrete_fields}  # "jurisdiction_id" is the key's
    fields = [by_attname[c] for c in columns]
    prepared = [
        f.get_db_prep_save(fixed[c], connection)
        for c, f in zip(columns, fields, strict=True)
        if c in fixed
    ]
    table, quote = meta.db_table, connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table),
        # a concrete field has a column by definition (the stubs allow None for the others)
        ", ".join(quote(cast(str, f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    free = [c for c in columns if c not in fixed]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [[row[c] for c in free] + prepared for row in rows[start : start + BATCH]]
            )
    codes = os.path.commonprefix([str(row["jurisdiction_id"]) for row in rows]) if rows else ""
    log_statement(
        Establishment,
        ChangeAction.CREATE,
        len(rows),
        what="a register of establishments",
        code=codes,
    )


def import_returns(source, survey: Survey, *, actor) -> dict:
    """Record every row of a survey's Excel return (one transaction: all rows or none)."""
    rows, errors = read_sheet(source, RETURN_COLUMNS, RETURN_REQUIRED)
    result = {"rows": len(rows), "created": 0, "errors": errors}
    if errors:
        return result
    known = Establishment.objects.restrict(actor, "change").in_bulk(establishment_ids(rows))
    plans, bad = check_returns(rows, known)
    errors += bad
    if errors:
        return result
    if _answer_all(survey, plans, actor=actor, errors=errors):
        result["created"] = len(plans)
    return result


def _answer_all(survey: Survey, plans: list[tuple], *, actor, errors: list[dict]) -> bool:
    """Record each checked row through ``do_answer_survey``, in one transaction; False, with the
    refusal in ``errors`` (by row and column), if any answer is refused and so none is kept.

    The survey action is the one a typed answer goes through, so an imported answer closes the
    establishment in the registry exactly as a typed one would.
    """
    labels = {k: lbl for k, lbl, _c in RETURN_COLUMNS}
    try:
        with transaction.atomic():
            for number, est, values in plans:
                try:
                    do_answer_survey(survey, est, actor=actor, **values)
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        errors.append(error(number, labels.get(field, field), " ".join(messages)))
                    raise
    except ValidationError:
        return False
    return True


def forget_file(params: dict, error: str) -> None:
    """The job failed for good: no delivery will read its file again."""
    uploads.finish(params["file"])


@job("reopening.import_establishments", on_failure=forget_file)
def import_establishments_job(progress, *, file: str, area: str) -> dict:
    """The background import of a large registry, as its uploader; the file is then deleted.

    Only once the import has an outcome (or the job failed for good, ``forget_file``): a delivery
    after a transient failure or a kill reads the file again and finds what was registered.
    """
    progress(0, 1, _("checking"))
    with uploads.opened(file, "registry.xlsx") as path, path.open("rb") as handle:
        result = import_establishments(
            handle, actor=current_actor(), area=Jurisdiction.objects.get(pk=area)
        )
    result["errors"] = result["errors"][:500]  # the job page lists the first 500
    done = _("Imported %(n)d establishments.") % {"n": result["created"]}
    if result["already"]:
        done += " " + _("%(n)d were registered before.") % {"n": result["already"]}
    progress(1, 1, done)
    uploads.finish(file)
    return result
