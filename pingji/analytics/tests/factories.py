"""Factories for analytics rows; SCOPED_FACTORIES joins them to the shared permission suite."""

import datetime

from django.utils import timezone

from pingji.analytics.models import DailyIndicator, ForecastRun, RtEstimate

DAY = datetime.date(2021, 9, 20)
SI = {"si_mean": 4.7, "si_sd": 2.9, "si_source": "literature"}


def indicator(j, **kw):
    return DailyIndicator.objects.create(
        jurisdiction=j, day=DAY, key="new_confirmed", value=3, computed_at=timezone.now(), **kw
    )


def rt(j, **kw):
    q = {"q025": 0.8, "q05": 0.9, "q25": 1.1, "q50": 1.3, "q75": 1.5, "q95": 1.8, "q975": 1.9}
    return RtEstimate.objects.create(
        jurisdiction=j,
        day=DAY,
        window_start=DAY - datetime.timedelta(days=6),
        mean=1.3,
        std=0.3,
        computed_at=timezone.now(),
        **q,
        **SI,
        **kw,
    )


def forecast(j, **kw):
    return ForecastRun.objects.create(
        jurisdiction=j,
        issued_on=DAY,
        horizon=7,
        r_mean=1.2,
        points=[],
        computed_at=timezone.now(),
        **SI,
        **kw,
    )


SCOPED_FACTORIES = {DailyIndicator: indicator, RtEstimate: rt, ForecastRun: forecast}
