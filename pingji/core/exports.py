"""Excel export of any scoped list, run as a background job with the requester's rights.

The rows come from ``restrict(creator, "view")`` at run time, so an export can never hold more
than its requester may see; secret columns (ciphertexts, look-up hashes, anything a model lists in
``audit_exclude``) are never written — only the masked forms are.
"""

import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import personal_data
from .context import current_actor
from .jobs import job
from .spreadsheets import safe_cell

EXPORT_DIR = "exports"


def export_columns(model: type[models.Model]) -> list[models.Field]:
    # ``export_exclude``: columns a model keeps out of list exports (e.g. a dispatch's receiver-only
    # fields, which its sender may list but must not read — decision 0008)
    hidden = set(getattr(model, "audit_exclude", ())) | set(getattr(model, "export_exclude", ()))
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in hidden
        and not isinstance(f, models.BinaryField)
        and not f.name.endswith("_hash")
    ]


def export_headings(user, model: type[models.Model], columns: list[models.Field]) -> list[str]:
    """Column headings; a birth date the user may not see is exported as the age."""
    kinds = personal_data.fields_of(model)
    return [
        str(_("age"))
        if kinds.get(f.name) == personal_data.Kind.BIRTH_DATE
        and not personal_data.may_see_birth_date(user)
        else str(f.verbose_name)
        for f in columns
    ]


def export_row(user, obj: models.Model, columns: list[models.Field]) -> list:
    """One row's values, personal fields as ``personal_data.present`` shows them to ``user``."""
    kinds = personal_data.fields_of(type(obj))
    return [
        personal_data.present(user, kinds[f.name], f.value_from_object(obj))
        if f.name in kinds
        else f.value_from_object(obj)
        for f in columns
    ]


def export_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"job-{job_id}.xlsx"


@job("core.export")
def export_list(progress, *, model: str, within: str = "") -> dict:
    """Write the visible rows of ``model`` (optionally below ``within``) to an .xlsx file."""
    user = current_actor()
    model_cls = apps.get_model(model)
    meta = model_cls._meta
    if user is None or not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
        raise PermissionDenied(f"{user} may not export {meta.verbose_name_plural}")
    rows = model_cls.objects.restrict(user, "view").within(within).order_by("pk")
    columns = export_columns(model_cls)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(model_cls._meta.verbose_name_plural)[:31])
    sheet.append(export_headings(user, model_cls, columns))
    total = rows.count()
    progress(0, total, "exporting")
    for n, obj in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.append([_cell(value) for value in export_row(user, obj, columns)])
        if n % 1000 == 0:
            progress(n, total)
    progress(total, total, "done")
    path = export_path(progress.row.pk)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    book.save(path)
    path.chmod(0o600)  # masked, but still personal data: the service's user only
    return {"rows": total, "file": path.name}


def _cell(value):
    """Excel takes numbers, text and naive date-times; times are shown in Asia/Shanghai.

    Text is written so that it is shown, never run as a formula (``spreadsheets.safe_cell``).
    """
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | datetime.date):
        return value
    return safe_cell(str(value))
