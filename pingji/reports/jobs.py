"""The daily run: stored series and the day's reports of the province and its cities."""

import datetime

from pingji.core.jobs import job
from pingji.geo.models import Jurisdiction


def run_daily(day: datetime.date, codes: list[str] | None = None, progress=None) -> dict:
    """Series of each top-level area for its outbreak, then the reports of it and its cities."""
    from pingji.analytics.actions.series import do_compute_series
    from pingji.analytics.series import LEAD_DAYS, outbreak_start

    from .actions.daily_reports import do_generate_daily_report

    tops = list(
        Jurisdiction.objects.filter(code__in=codes)
        if codes
        else Jurisdiction.objects.filter(parent__isnull=True)
    )
    reports = 0
    areas = []
    for top in tops:
        areas += [top, *Jurisdiction.objects.filter(parent=top).order_by("code")]
    for i, area in enumerate(areas):
        if area in tops:
            since = outbreak_start(area.code, day) or day
            do_compute_series(
                area,
                since - datetime.timedelta(days=LEAD_DAYS),
                day,
                issued_from=_first_new_day(area.code, day),
            )
        do_generate_daily_report(area, day)
        reports += 1
        if progress:
            progress(i + 1, len(areas), area.name)
    return {"reports": reports, "day": day.isoformat()}


def _first_new_day(code: str, day: datetime.date) -> datetime.date | None:
    """The first day whose Rt and forecasts the area has not stored yet (at most ``day``): those
    of earlier days were estimated on their own day and stay as they were (decision 0030)."""
    from pingji.analytics.skill import computed_through

    through = computed_through(code)
    return None if through is None else min(day, through + datetime.timedelta(days=1))


@job("reports.daily")
def daily_job(progress, *, day: str, codes: list[str] | None = None) -> dict:
    return run_daily(datetime.date.fromisoformat(day), codes, progress)


@job("reports.generate")
def generate_job(progress, *, code: str, day: str) -> dict:
    """One report on demand, as its requester (the runner acts as the job's creator)."""
    from pingji.core.context import current_actor

    from .actions.daily_reports import do_generate_daily_report

    report = do_generate_daily_report(
        Jurisdiction.objects.get(code=code),
        datetime.date.fromisoformat(day),
        actor=current_actor(),
    )
    return {"report": report.pk}
