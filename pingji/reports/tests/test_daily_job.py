"""The nightly run estimates Rt and forecasts only for the days it has not stored yet."""

import datetime

import pytest

from pingji.analytics.actions.series import do_compute_series
from pingji.analytics.models import ForecastRun, RtEstimate
from pingji.reports.jobs import _first_new_day, run_daily

D = datetime.date
START, END = D(2021, 9, 9), D(2021, 9, 20)


@pytest.mark.django_db
def test_the_daily_job_starts_estimating_at_the_first_day_not_yet_computed(outbreak, tree):
    assert _first_new_day("35", END) is None  # never computed: the whole outbreak
    do_compute_series(tree["35"], START, END - datetime.timedelta(days=2))
    assert _first_new_day("35", END) == END - datetime.timedelta(days=1)  # a missed night too
    do_compute_series(tree["35"], START, END)
    assert _first_new_day("35", END) == END  # a rerun of the day redoes that day only


@pytest.mark.django_db
def test_a_second_night_keeps_what_earlier_days_stored(outbreak, tree):
    run_daily(END - datetime.timedelta(days=1), ["35"])
    kept = {
        model: set(model.objects.values_list("pk", flat=True))
        for model in (ForecastRun, RtEstimate)
    }
    assert kept[ForecastRun] and kept[RtEstimate]
    run_daily(END, ["35"])
    for model, pks in kept.items():
        assert pks <= set(model.objects.values_list("pk", flat=True)), model
    assert ForecastRun.objects.filter(issued_on=END).exists()
