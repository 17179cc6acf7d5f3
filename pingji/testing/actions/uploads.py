"""Uploads of a round: queueing a file, refusing it with its report, applying it.

A file is checked and stored by a background job (``jobs.ingest_upload``, with ``ingest``);
``do_apply_upload`` then records, in one transaction, what the file changed in the ORM: the
upload's state, the coverage of the round, and the positive tubes with their follow-ups
(``follow_ups``). Only an applied upload's rows are ever read (``applied_ids``), so a file whose
ORM side failed leaves every figure as it was.

Every upload ends in a state its uploader can act on (docs/decisions/0039): applied, refused with
its report, or failed — "interrupted" when its job failed for good (``do_interrupt_upload``),
after which the same file may be posted again.
"""

from functools import partial
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock, uploads
from pingji.core.access import ensure_allowed
from pingji.core.actions import error, record_on
from pingji.core.choices import JobStatus
from pingji.core.jobs import enqueue
from pingji.core.messages import message

from .. import store
from ..choices import RoundStatus, UploadKind, UploadStatus
from ..contracts import UPLOAD_APPLIED, UPLOAD_REFUSED
from ..models import Coverage, Round, Upload
from .follow_ups import open_follow_ups

#: A sampling file of a city round is a few hundred MB at most; more is a mistake, not data.
#: The platform's ``PINGJI_MAX_UPLOAD_BYTES`` (50 MB by default) applies first: a deployment that
#: runs city rounds raises it (pingji/core/uploads.py).
MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def do_upload(round: Round, *, actor, kind: str, name: str, content) -> tuple[Upload, bool]:
    """Queue a sampling or results file; the same file again returns the earlier upload.

    ``content``: the uploaded file (or its bytes), streamed to an encrypted store that the job
    deletes when it ends (pingji/core/uploads.py). Returns (upload, created). Nothing is applied
    here: the ``testing.ingest`` job checks the whole file and applies it, or refuses it with a
    per-row report.
    """
    ensure_allowed(actor, round, "view")
    if kind not in UploadKind.values:
        raise error("kind", _("Choose sampling or results."))
    if round.status != RoundStatus.OPEN:
        raise error("file", _("This round is closed."))
    if not content or not getattr(content, "size", 1):
        raise error("file", _("The file is empty."), "required")
    suffix = ".parquet" if name.lower().endswith(".parquet") else ".csv"
    stored = uploads.store(content, suffix=suffix, kind_limit=MAX_UPLOAD_BYTES)
    try:
        upload, created = _queue(round, actor, kind, name, stored)
    except BaseException:
        uploads.discard(stored.name)
        raise
    if not created:
        uploads.discard(stored.name)
    return upload, created


def _queue(round: Round, actor, kind: str, name: str, stored: uploads.Stored):
    digest = stored.sha256
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round.pk).first()
        same = (
            Upload.objects.select_related("job")
            .filter(
                round=round,
                kind=kind,
                sha256=digest,
                status__in=[UploadStatus.QUEUED, UploadStatus.APPLIED],
            )
            .first()
        )
        if same is not None and _abandoned(same):
            _interrupt(same)  # its job ended without ending it: this post takes its place
            transaction.on_commit(partial(uploads.finish, same.path))
        elif same is not None:
            return same, False
        upload = Upload.objects.create(
            round=round,
            jurisdiction=round.jurisdiction,
            kind=kind,
            filename=Path(name).name[:255],
            path=stored.name,
            sha256=digest,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        upload.job = enqueue(
            "testing.ingest",
            {"upload": upload.pk},
            actor=actor,
            jurisdiction_code=round.jurisdiction_id,
        )
        upload.save(update_fields=["job"])
        ensure_allowed(actor, upload, "add")
    return upload, True


def _abandoned(upload: Upload) -> bool:
    """A queued upload whose job is over (or gone): nothing will ever apply it."""
    job = upload.job
    ended = job is None or job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
    return upload.status == UploadStatus.QUEUED and ended


def do_interrupt_upload(upload_id: int) -> None:
    """Mark an upload whose job failed for good "interrupted": failed, nothing of it applied.

    A failed upload is outside the one-queued-or-applied-per-content constraint, so the same file
    can be posted again; the stored file is deleted, as no job will read it. An upload that
    reached its end meanwhile is left as it is.
    """
    with transaction.atomic():
        upload = Upload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None:
            return
        if upload.status == UploadStatus.QUEUED:
            _interrupt(upload)
    uploads.finish(upload.path)


def _interrupt(upload: Upload) -> None:
    reason = _("Interrupted before it was applied; nothing of it counts. Upload the file again.")
    do_refuse_upload(
        upload,
        errors=[{"row": 0, "field": "", "reason": reason}],
        error_count=1,
        status=UploadStatus.FAILED,
    )


def do_refuse_upload(upload: Upload, *, errors: list[dict], error_count: int, status=None) -> None:
    """Record why a file was not applied (its rows stay out of every figure)."""
    with transaction.atomic():
        upload.status = status or UploadStatus.REFUSED
        upload.errors, upload.error_count = errors, error_count
        upload.save(update_fields=["status", "errors", "error_count"])
        record_on(
            upload,
            UPLOAD_REFUSED,
            message(
                gettext_noop("%(f)s refused: %(n)s problems"),
                {"f": upload.filename, "n": error_count},
            ),
            actor=upload.created_by,
        )


def applied_ids() -> list[int]:
    return list(Upload.objects.filter(status=UploadStatus.APPLIED).values_list("pk", flat=True))


def refresh_coverage(round: Round, con) -> None:
    """Rewrite the round's per-grid, per-compound summary from the analytic store."""
    now = clock.now()
    Coverage.objects.filter(round=round).delete()
    Coverage.objects.bulk_create(
        [
            Coverage(
                round=round,
                jurisdiction_id=grid,
                place_id=place,
                target=t,
                sampled=s,
                resulted=r,
                positive=p,
                updated_at=now,
            )
            for grid, place, t, s, r, p in store.coverage(con)
        ],
        batch_size=2000,
    )
    sampled = sum(c.sampled for c in Coverage.objects.filter(round=round).only("sampled"))
    if round.completed_at is None and round.target and sampled >= round.target:
        round.completed_at = now
        round.save(update_fields=["completed_at"])


def do_apply_upload(upload: Upload, rows: int) -> dict:
    """Mark a checked and stored file applied, then refresh coverage and open follow-ups."""
    actor = upload.created_by
    round = upload.round
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status != UploadStatus.QUEUED:  # applied, or ended, by an earlier delivery
            return {"rows": upload.rows, "positive_tubes": 0, "follow_ups": 0}
        upload.status, upload.rows, upload.applied_at = UploadStatus.APPLIED, rows, clock.now()
        upload.errors, upload.error_count = [], 0
        upload.save(update_fields=["status", "rows", "applied_at", "errors", "error_count"])
        con = store.open_round(round.pk, applied_ids())
        try:
            refresh_coverage(round, con)
            tubes = (
                store.positive_tubes(con, upload.pk) if upload.kind == UploadKind.RESULTS else []
            )
            members = store.tube_members(con, [t[0] for t in tubes]) if tubes else []
        finally:
            con.close()
        follow_ups = open_follow_ups(round, upload, tubes, members, actor)
        record_on(
            upload,
            UPLOAD_APPLIED,
            message(
                gettext_noop("%(f)s applied: %(n)s rows, %(p)s positive tubes"),
                {"f": upload.filename, "n": rows, "p": len(tubes)},
            ),
            actor=actor,
            payload={"rows": rows, "positive_tubes": [t[0] for t in tubes]},
        )
    return {"rows": rows, "positive_tubes": len(tubes), "follow_ups": follow_ups}
