"""Generating and archiving the daily report of a jurisdiction for a day."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction
from pingji.tasks.models import Task

from .. import daily, render
from ..contracts import DAILY_REPORT_GENERATED
from ..models import DailyReport
from ..situation import overdue_query


def visible(actor):
    """What the report may show: the actor's area, or everything for the scheduled run."""
    if actor is None:
        return Jurisdiction.objects.all(), Task.objects.all()
    return Jurisdiction.objects.restrict(actor), Task.objects.restrict(actor)


def do_generate_daily_report(
    jurisdiction: Jurisdiction, day: datetime.date, *, actor=None
) -> DailyReport:
    """Build the day's report (24:00 cut-off) and archive it as Word, Excel and HTML.

    ``actor=None`` is the daily job. A date in the future is refused. Regenerating replaces the
    day's files in one transaction: the old ones stay until the new ones are written.
    """
    if actor is not None:
        ensure_allowed(actor, jurisdiction, "view")
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise ValidationError({"day": _("Give a date.")})
    children, tasks = visible(actor)
    content = daily.build(
        jurisdiction, day, visible_children=children, overdue_tasks=overdue_query(tasks)
    )
    files = {
        "docx": render.docx_bytes(content),
        "xlsx": render.xlsx_bytes(content),
        "html": render.html_text(content).encode("utf-8"),
    }
    stem = f"daily-{jurisdiction.gb_code}-{day:%Y%m%d}"
    with transaction.atomic():
        report, created = DailyReport.objects.select_for_update().get_or_create(
            jurisdiction=jurisdiction,
            day=day,
            defaults={"generated_at": clock.now()},
        )
        old = [getattr(report, f).name for f in files if getattr(report, f)]
        report.since = content.situation.since
        report.generated_at = clock.now()
        report.generated_by = actor if getattr(actor, "pk", None) else None
        report.figures = content.situation.figures
        report.units = [
            {"code": u["code"], "name": u["name"], "values": u["values"]}
            for u in content.situation.units
        ]
        for ext, data in files.items():
            getattr(report, ext).save(f"{stem}.{ext}", ContentFile(data), save=False)
        report.save()
        if actor is not None:
            ensure_allowed(actor, report, "view")
        record_event(
            DAILY_REPORT_GENERATED,
            message(
                gettext_noop("%(report)s generated"),
                {
                    "report": message(
                        gettext_noop("Daily report of %(name)s, %(day)s"),
                        {"name": report.jurisdiction.name, "day": report.day.isoformat()},
                    )
                },
            ),
            jurisdiction_code=jurisdiction.code,
            subject=report,
            actor=actor,
            payload={"day": day.isoformat(), "figures": report.figures, "created": created},
        )
        storage = report.docx.storage
        keep = {report.docx.name, report.xlsx.name, report.html.name}

        def drop_replaced() -> None:
            for name in old:
                if name not in keep and storage.exists(name):
                    storage.delete(name)

        transaction.on_commit(drop_replaced)
    return report
