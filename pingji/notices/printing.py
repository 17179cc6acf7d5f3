"""Printing notices in batches: every valid notice of a kind for a grid (or an area), one PDF.

What a batch holds is read through ``restrict(user, "view")``, like every list, so a grid worker
prints only the notices of its own grid. Small batches are rendered in the request; larger ones
(more than ``SYNC_LIMIT`` notices) by the ``notices.print`` job, whose output path is fixed by
the job's id (``batch_path``): a job delivered twice (decision 0032) writes the same file again.
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from pingji.core.context import current_actor
from pingji.core.jobs import job

from . import pdf, verification
from .choices import NoticeKind, NoticeStatus
from .models import Notice

#: A batch of up to this many notices is rendered while the user waits (about a second).
SYNC_LIMIT = 200
BATCH_DIR = "notices"
#: A jurisdiction code: digits, at most a grid's 15.
CODE = re.compile(r"\d{2,15}")


def check_batch(kind: str, grid: str = "", area: int | None = None) -> None:
    """Refuse an unknown kind, a malformed grid code, or neither a grid nor an area."""
    problems = {}
    if kind not in NoticeKind.values:
        problems["kind"] = _("Unknown kind of notice.")
    if grid and not CODE.fullmatch(grid):
        problems["grid"] = _("A grid is named by its code: 2 to 15 digits.")
    if not grid and area is None:
        problems["grid"] = _("Choose a grid or an area.")
    if problems:
        raise ValidationError(problems)


def batch(user, kind: str, grid: str = "", area: int | None = None):
    """The valid notices of ``kind`` the user sees, in the grid's subtree and/or about an area,
    in the order of their numbers."""
    check_batch(kind, grid, area)
    rows = Notice.objects.restrict(user, "view").filter(kind=kind, status=NoticeStatus.VALID)
    rows = scoped_to(rows, grid, area)
    return rows.select_related("superseded_by").order_by("issuer_id", "year", "sequence")


def scoped_to(rows, grid: str = "", area: int | None = None):
    """``rows`` narrowed to a grid's subtree and/or to the notices about a risk area."""
    if grid:
        rows = rows.subtree(grid)
    if area is not None:
        from pingji.areas.models import RiskArea

        area_type = ContentType.objects.get_for_model(RiskArea)
        rows = rows.filter(subject_type=area_type, subject_id=str(area))
    return rows


def render_batch(rows, request=None, progress=None) -> bytes:
    """One PDF of ``rows`` in one pass (``pdf.render_many``)."""
    rows = list(rows)
    if progress:
        progress(0, len(rows), "rendering")
    pairs = [(n, verification.absolute_url(n, request)) for n in rows]
    data = pdf.render_many(pairs, title=_batch_title(rows))
    if progress:
        progress(len(rows), len(rows), "done")
    return data


def _batch_title(rows) -> str:
    if not rows:
        return "—"
    return f"{rows[0].number} – {rows[-1].number} ({len(rows)})"


def batch_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / BATCH_DIR / f"batch-job-{job_id}.pdf"


@job("notices.print")
def print_job(progress, *, kind: str, grid: str = "", area: int | None = None) -> dict:
    """Render a batch as its requester sees it, to the job's own file (overwritten on a re-run)."""
    user = current_actor()
    if user is None or not user.has_perm("notices.view_notice"):
        raise PermissionDenied("the requester may not print notices")
    data = render_batch(batch(user, kind, grid, area), progress=progress)
    path = batch_path(progress.row.pk)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = path.with_suffix(".pdf.partial")
    staging.write_bytes(data)
    staging.chmod(0o600)  # residents' addresses and names: the service's user only
    staging.replace(path)
    return {"file": path.name, "bytes": len(data)}
