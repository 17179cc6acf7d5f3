"""Factories for reports rows; SCOPED_FACTORIES joins them to the shared permission suite."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from pingji.reports.models import DailyReport


def daily_report(j, day=datetime.date(2021, 9, 20)):
    report = DailyReport(
        jurisdiction=j, day=day, generated_at=timezone.now(), figures={"new_confirmed": 1}
    )
    report.html.save("r.html", ContentFile(b"<p>report</p>"), save=False)
    report.save()
    return report


SCOPED_FACTORIES = {DailyReport: daily_report}
