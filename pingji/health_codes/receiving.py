"""From a request (a file or a JSON body) to ``do_receive_push``: shared by the page and the API."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .actions.pushes import do_receive_push
from .choices import PushKind, PushSource
from .models import Push
from .parsing import api_records, content_hash_of_file, content_hash_of_rows, file_records


def _kind(kind) -> str:
    if kind not in PushKind.values:
        raise ValidationError(
            {"kind": _("Choose one of %(k)s.") % {"k": ", ".join(PushKind.values)}}
        )
    return kind


def receive_file(kind, file, *, actor, sender: str = "") -> tuple[Push, bool]:
    """A CSV or .xlsx list; the same bytes again are the same push."""
    kind = _kind(kind)
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    records = file_records(file, kind)
    return do_receive_push(
        kind,
        records,
        content_hash=content_hash_of_file(file),
        source=PushSource.FILE,
        actor=actor,
        sender=sender,
        file_name=getattr(file, "name", "") or "",
    )


def receive_rows(kind, rows, *, actor, sender: str = "") -> tuple[Push, bool]:
    """A JSON body's rows; the same rows again (in any key order) are the same push."""
    kind = _kind(kind)
    records = api_records(rows, kind)
    return do_receive_push(
        kind,
        records,
        content_hash=content_hash_of_rows(rows),
        source=PushSource.API,
        actor=actor,
        sender=sender,
    )
