"""Stored series: what do_compute_series writes equals the live computation; Rt, forecasts, API."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.analytics import estimates
from pingji.analytics.actions import do_compute_series, stored_values
from pingji.analytics.choices import SiSource
from pingji.analytics.models import DailyIndicator, ForecastRun, RtEstimate
from pingji.analytics.series import compute
from pingji.epi import rt as epi_rt
from pingji.users.choices import Role

D = datetime.date
START, END = D(2021, 9, 9), D(2021, 9, 20)


@pytest.mark.django_db
def test_stored_series_equal_the_live_ones_at_every_level(outbreak, tree):
    counts = do_compute_series(tree["35"], START, END, actor=outbreak)
    assert counts["indicators"] > 0
    live = compute("35", START, END, unit_length=6)
    for code in ("35", "3503", "3502", "350322", "350206"):
        for key in ("new_confirmed", "new_infection", "under_treatment", "new_inside_control"):
            expected = [
                int(v)
                for v in (
                    live.total(key)
                    if code == "35"
                    else sum(live.of(u, key) for u in live.units if u.startswith(code))
                )
            ]
            assert stored_values(code, key, START, END) == expected, (code, key)
    again = do_compute_series(tree["35"], START, END, actor=outbreak)
    assert again == counts and DailyIndicator.objects.count() == counts["indicators"]


@pytest.mark.django_db
def test_rt_is_epiestim_on_the_local_series(outbreak, tree):
    do_compute_series(tree["35"], START, END)
    rows = list(RtEstimate.objects.filter(jurisdiction_id="35").order_by("day"))
    live = compute("35", START, END)
    est = epi_rt.estimate_r(
        live.total("new_local_infection"),
        live.total("new_imported_infection"),
        si_mean=4.7,
        si_sd=2.9,
    )
    assert rows and rows[-1].day == END
    assert rows[-1].mean == pytest.approx(float(est.mean[-1]), abs=1e-9)
    assert rows[-1].q975 == pytest.approx(float(est.quantiles[-1][-1]), abs=1e-9)
    assert rows[-1].si_source == SiSource.LITERATURE
    assert RtEstimate.objects.filter(jurisdiction_id="3503").exists()  # and the cities below
    # seven cases in twelve days: too few for the renewal model; the naive baselines forecast
    # once seven one-day errors are known, and the ensemble from them
    assert not ForecastRun.objects.filter(model="renewal").exists()
    last = ForecastRun.objects.filter(jurisdiction_id="35", model="last").order_by("issued_on")
    assert last.first().issued_on == START + datetime.timedelta(days=7)
    mixed = ForecastRun.objects.get(jurisdiction_id="35", model="ensemble", issued_on=END)
    assert len(mixed.points) == 7 and mixed.points[0]["day"] == "2021-09-21"


def test_every_model_forecasts_from_its_own_past_once_there_is_enough_data():
    rng = np.random.default_rng(5)
    local = np.concatenate([[0, 0, 3], rng.poisson(np.linspace(4, 40, 37))]).astype(float)
    imported = np.zeros_like(local)
    si = estimates.SerialInterval(4.7, 2.9, SiSource.LITERATURE)
    by_model, r_mean = estimates.model_forecasts(local, imported, si)
    assert set(by_model) == {"renewal", "last", "mean7", "ensemble"}
    assert all(np.isnan(q[:2]).all() for q in by_model.values())  # before the first case
    for model, q in by_model.items():
        made = ~np.isnan(q).any(axis=(1, 2))
        assert made[-1], model
        assert np.all(np.diff(q[made], axis=2) >= 0)  # quantiles in order
    renewal_days = ~np.isnan(by_model["renewal"]).any(axis=(1, 2))
    # the last window must start one mean serial interval (5 days) after the first case (day 2)
    assert np.flatnonzero(renewal_days)[0] >= 2 + 5 + 7 - 1
    assert np.isnan(r_mean[~renewal_days]).all() and (r_mean[renewal_days] > 0).all()
    # the forecast issued on day 30 does not change when later days change
    later = local.copy()
    later[31:] = 0
    again, _r = estimates.model_forecasts(later, imported, si)
    for model in by_model:
        np.testing.assert_array_equal(by_model[model][:31], again[model][:31])


@pytest.mark.django_db
def test_compute_refuses_future_and_outsiders(outbreak, tree, make_user):
    future = D.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        do_compute_series(tree["35"], START, future)
    with pytest.raises(ValidationError):
        do_compute_series(tree["35"], END, START)
    huli = make_user(Role.EPIDEMIOLOGIST, "350206")
    with pytest.raises(PermissionDenied):
        do_compute_series(tree["3503"], START, END, actor=huli)
    assert not DailyIndicator.objects.exists()


def test_serial_interval_from_pairs_protocol_or_literature(monkeypatch):
    from types import SimpleNamespace

    import pingji.analytics.estimates as est

    pairs = [
        SimpleNamespace(infector_onset=D(2021, 9, 1), infectee_onset=D(2021, 9, 1 + k % 7 + 1))
        for k in range(25)
    ]
    monkeypatch.setattr("pingji.tracing.chains.transmission_pairs", lambda code: pairs)
    monkeypatch.setattr(
        "pingji.epi.serial.serial_interval",
        lambda d: (float(np.mean(d)), float(np.std(d, ddof=1)), len(d)),
    )
    si = est.serial_interval_for("35", D(2021, 9, 30))
    assert si.source == SiSource.PAIRS and si.pairs == 25


def test_model_skill_scores_only_days_observed_by_then():
    points = [
        {"day": f"2021-09-{10 + i}", "q0.025": 0, "q0.25": 2, "q0.5": 3, "q0.75": 4, "q0.975": 8}
        for i in range(7)
    ]
    observed = {D(2021, 9, 10 + i): v for i, v in enumerate([3, 3, 9, 2, 5, 100, 100])}
    skill = estimates.model_skill({"last": [(D(2021, 9, 9), points)]}, observed, D(2021, 9, 14))
    s = skill["last"]
    assert s.n == 5 and s.coverage95 == 0.8 and s.coverage50 == 0.6  # the 100s are not known yet
    assert s.mae == pytest.approx((0 + 0 + 6 + 1 + 2) / 5)
    assert estimates.model_skill({"last": [(D(2021, 9, 9), points)]}, observed, D(2021, 9, 9)) == {}


@pytest.mark.django_db
def test_series_api_and_its_bad_input(api, outbreak, make_user):
    client = api(outbreak)
    ok = client.get("/api/analytics/series/?code=35&start=2021-09-10&end=2021-09-13&by=children")
    assert ok.status_code == 200
    body = ok.json()
    assert body["units"]["3503"]["new_confirmed"] == [3, 0, 2, 0]
    future = (D.today() + datetime.timedelta(days=3)).isoformat()
    for query in (
        f"code=35&start=2021-09-10&end={future}",
        "code=35&start=2021-09-13&end=2021-09-10",
        "code=35&start=nonsense&end=2021-09-10",
        "code=35&start=2019-01-01&end=2021-09-10",
        "start=2021-09-10&end=2021-09-13",
    ):
        assert client.get(f"/api/analytics/series/?{query}").status_code == 400, query
    huli = make_user(Role.EPIDEMIOLOGIST, "350206")
    assert (
        api(huli)
        .get("/api/analytics/series/?code=3503&start=2021-09-10&end=2021-09-13")
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_the_dashboard_reads_storage_only_while_it_is_fresh(outbreak, tree):
    from pingji.analytics.series import from_storage
    from pingji.analytics.tests.conftest import HULI, report

    assert from_storage("35", START, END, unit_length=4) is None  # nothing stored yet
    do_compute_series(tree["35"], START, END)
    for within, length in (("35", 4), ("35", None), ("3503", 6), ("350322", None)):
        stored = from_storage(within, D(2021, 9, 10), END, unit_length=length, units=None)
        live = compute(within, D(2021, 9, 10), END, unit_length=length)
        assert stored is not None, within
        for key, matrix in live.values.items():
            for j, unit in enumerate(live.units):
                got = stored.of(unit, key) if unit in stored.units else np.zeros(matrix.shape[1])
                assert (got == matrix[j]).all(), (within, key, unit)
    assert from_storage("3503", START, END, unit_length=9) is None  # not stored that deep
    assert from_storage("35", D(2021, 9, 1), END, unit_length=4) is None  # not that far back
    report(outbreak, tree, HULI, 14)  # a new event counted in the period: storage is stale
    assert from_storage("35", START, END, unit_length=4) is None
