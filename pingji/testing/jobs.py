"""Background job of the testing app: check a sampling or results file, store it, apply it.

Uploads run here, not in the request: a city round's file holds millions of rows, longer than a
request may take (docs/decisions/0003). The job checks the whole file in DuckDB, appends it to the
analytic store (``actions.ingest``), then applies it in the ORM in one transaction
(``actions.uploads.do_apply_upload``); a refused or failed file leaves every figure as it was.

The job is delivered at least once (docs/decisions/0032, 0039): run again after a kill at any
point, it finds the upload applied, or finds its rows stored (the lake's manifest) and applies
them. So the stored file is deleted only once the upload has reached its end (applied, refused,
failed); when the job fails for good, ``interrupted`` marks a still-queued upload failed, which
frees its file to be posted again.
"""

from django.utils import timezone

from pingji.core import uploads
from pingji.core.importing import redact
from pingji.core.jobs import TRANSIENT, job

from .actions import ingest
from .actions.ingest_rules import Rules
from .choices import PoolingMode, UploadKind, UploadStatus


def rules_for(upload) -> Rules:
    from .actions.uploads import applied_ids

    round = upload.round
    if round.pool_mode == PoolingMode.HOUSEHOLD:
        largest = 10_000  # a household tube holds one household, whatever its size
    else:
        largest = round.pool_ratio
    return Rules(
        round_id=round.pk,
        upload_id=upload.pk,
        starts_at=timezone.localtime(round.starts_at),
        max_per_tube=largest,
        by_household=round.pool_mode == PoolingMode.HOUSEHOLD,
        points=set(round.points.values_list("pk", flat=True)),
        applied=applied_ids(),
        sha256=upload.sha256,
    )


def interrupted(params: dict, error: str) -> None:
    """The job failed for good: a still-queued upload is marked failed, to be posted again."""
    from .actions.uploads import do_interrupt_upload

    do_interrupt_upload(params["upload"])


@job("testing.ingest", on_failure=interrupted)
def ingest_upload(progress, upload: int) -> dict:
    from .models import Upload

    row = Upload.objects.select_related("round", "round__protocol", "created_by").get(pk=upload)
    if row.status == UploadStatus.QUEUED:
        result = _check_and_apply(progress, row)  # raising, it keeps the file for the next try
    else:  # a delivery after the end (the runner was killed before it said so)
        result = {"status": row.status, "rows": row.rows}
    uploads.finish(row.path)  # applied or refused: no delivery will read the file again
    return result


def _check_and_apply(progress, row) -> dict:
    from .actions.uploads import do_apply_upload, do_refuse_upload

    progress(0, 3, "checking the file")
    check = ingest.ingest_sampling if row.kind == UploadKind.SAMPLING else ingest.ingest_results
    try:
        with uploads.opened(row.path, uploads.plain_name(row.path)) as plain:
            report = check(plain, rules_for(row))
    except TRANSIENT:
        raise  # the database or the disk for a moment: delivered again, the upload still queued
    except Exception as exc:
        do_refuse_upload(
            row,
            errors=[{"row": 0, "field": "", "reason": redact(exc, 300)}],
            error_count=1,
            status=UploadStatus.FAILED,
        )
        raise
    if not report.ok:
        errors = [{"row": e.row, "field": e.field, "reason": e.reason} for e in report.errors]
        do_refuse_upload(row, errors=errors, error_count=report.error_count)
        return {"status": UploadStatus.REFUSED, "problems": report.error_count}
    progress(2, 3, "applying")
    result = do_apply_upload(row, report.rows)
    progress(3, 3, "applied")
    return {"status": UploadStatus.APPLIED, **result}
