"""The replay's reports step: a few archived daily reports of the outbreak.

The province and every city with a case, on three days of the September 2021 outbreak (a week
in, the peak, and 28 September, the day the bulletin totals are quoted for): what the archive
of a real command centre would hold, generated as the daily job generates them.
"""

import datetime

from pingji.cases.contracts import REPORTED
from pingji.core.models import DomainEvent
from pingji.demo.replay import Replay
from pingji.geo.models import Jurisdiction
from pingji.reports.actions.daily_reports import do_generate_daily_report

DAYS = (datetime.date(2021, 9, 14), datetime.date(2021, 9, 21), datetime.date(2021, 9, 28))


def load(replay: Replay) -> dict:
    province = Jurisdiction.objects.filter(parent__isnull=True).order_by("code").first()
    if province is None:
        return {}
    codes = {
        code[:4]
        for code in DomainEvent.objects.filter(
            kind=REPORTED, jurisdiction_code__startswith=province.code
        ).values_list("jurisdiction_code", flat=True)
    }
    cities = list(Jurisdiction.objects.filter(code__in=codes, parent=province).order_by("code"))
    reports = 0
    for day in DAYS:
        if replay.start <= day <= replay.end:
            for area in [province, *cities]:
                do_generate_daily_report(area, day)
                reports += 1
    return {"daily_reports": reports, "days": [d.isoformat() for d in DAYS]}
