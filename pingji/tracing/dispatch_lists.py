"""The one layout of every dispatch list: in-province lists and out-of-province exports alike.

A receiving county (or another province) reads the same columns whichever way a list reached it,
so a person is never looked up by a column that one export has and another lacks. Identity data is
masked unless the caller hands in values revealed through the audited reveal
(``people.actions.reveal``); the export that marks dispatches exported is
``actions.dispatch_answers.do_export_dispatches``.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from pingji.core.spreadsheets import safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


#: The columns of every dispatch list (in-province lists and out-of-province exports alike).
COLUMNS = (
    gettext_lazy("No."),
    gettext_lazy("full name"),
    gettext_lazy("sex"),
    gettext_lazy("identity number"),
    gettext_lazy("phone"),
    gettext_lazy("receiving county code"),
    gettext_lazy("receiving county"),
    gettext_lazy("last exposure"),
    gettext_lazy("reason"),
    gettext_lazy("sent by"),
    gettext_lazy("sent at"),
    gettext_lazy("due"),
    gettext_lazy("status"),
)


def _local(value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _masked(dispatch, field: str) -> str:
    """A masked identifier: the person's, or as reported for a contact known by particulars."""
    holder = dispatch.person if dispatch.person is not None else dispatch.reported
    return getattr(holder, field, "") if holder is not None else ""


def dispatch_workbook(dispatches, *, identities: dict[int, dict] | None = None) -> bytes:
    """An .xlsx of dispatches in the one layout; identity data masked unless given revealed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("dispatches"))
    sheet.append(safe_row(str(c) for c in COLUMNS))
    identities = identities or {}
    for n, d in enumerate(dispatches, start=1):
        revealed = identities.get(d.person_id, {})
        sheet.append(
            safe_row(
                [
                    n,
                    d.shown_name,
                    d.person.get_sex_display() if d.person is not None else "",
                    revealed.get("id_number") or _masked(d, "id_number_masked"),
                    revealed.get("phone") or _masked(d, "phone_masked"),
                    d.to_region,
                    d.to_region_name,
                    _local(d.last_exposure_at),
                    d.reason,
                    d.sender.name,
                    _local(d.sent_at),
                    _local(d.due_at),
                    d.get_status_display(),
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
