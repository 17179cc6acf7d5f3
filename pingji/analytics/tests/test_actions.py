"""Stored series: what do_compute_series writes equals the live computation; Rt, forecasts, API."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.analytics import estimates
from pingji.analytics.actions.series import do_compute_series
from pingji.analytics.choices import SiSource
from pingji.analytics.models import DailyIndicator, ForecastRun, RtEstimate
from pingji.analytics.series import compute, stored_values
from pingji.epi import rt as epi_rt
from pingji.epi import scoring
from pingji.protocols.diseases import COVID_19, figure
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
def test_rt_of_too_few_cases_is_stored_as_insufficient_data_not_the_prior(outbreak, tree):
    do_compute_series(tree["35"], START, END)
    rows = list(RtEstimate.objects.filter(jurisdiction_id="35").order_by("day"))
    assert rows and rows[-1].day == END
    # seven cases: every window's posterior CV is above 0.3, so no number is stored
    assert all(r.insufficient_data and r.mean is None and r.q975 is None for r in rows)
    assert rows[-1].si_source == SiSource.LITERATURE and rows[-1].si_pairs == 0
    assert "insufficient data" in str(rows[-1])


@pytest.mark.django_db
def test_rt_is_epiestim_on_the_local_series(outbreak, tree, monkeypatch):
    monkeypatch.setattr(epi_rt, "MAX_POSTERIOR_CV", 1.0)  # show every window of this small series
    # the window to 21 Sep is the first to start a mean serial interval (5 days) after the first
    # case (10 Sep): every earlier one is "too early in the epidemic", a row without numbers
    end = END + datetime.timedelta(days=1)
    do_compute_series(tree["35"], START, end)
    rows = list(RtEstimate.objects.filter(jurisdiction_id="35").order_by("day"))
    assert [r.day for r in rows if r.mean is not None] == [end]
    live = compute("35", START, end)
    est = epi_rt.estimate_r(
        live.total("new_local_infection"),
        live.total("new_imported_infection"),
        si_mean=4.7,
        si_sd=2.9,
    )
    assert rows[-1].mean == pytest.approx(float(est.mean[-1]), abs=1e-9)
    assert rows[-1].q975 == pytest.approx(float(est.quantiles[-1][-1]), abs=1e-9)
    assert rows[-1].si_source == SiSource.LITERATURE
    assert RtEstimate.objects.filter(jurisdiction_id="3503").exists()  # and the cities below
    # the renewal model forecasts from the same windows only; the naive baselines once seven
    # one-day errors are known, and the ensemble from them
    renewal = ForecastRun.objects.filter(jurisdiction_id="35", model="renewal")
    assert list(renewal.values_list("issued_on", flat=True)) == [end]
    last = ForecastRun.objects.filter(jurisdiction_id="35", model="last").order_by("issued_on")
    assert last.first().issued_on == START + datetime.timedelta(days=7)
    mixed = ForecastRun.objects.get(jurisdiction_id="35", model="ensemble", issued_on=END)
    assert len(mixed.points) == 7 and mixed.points[0]["day"] == "2021-09-21"


@pytest.mark.django_db
def test_the_stored_renewal_forecast_lets_cases_found_in_quarantine_infect_nobody(
    outbreak, tree, monkeypatch
):
    monkeypatch.setattr(epi_rt, "MAX_POSTERIOR_CV", 1.0)  # forecast from this small series
    end = END + datetime.timedelta(days=1)
    do_compute_series(tree["35"], START, end)
    stored = ForecastRun.objects.get(jurisdiction_id="35", model="renewal", issued_on=end)
    live = compute("35", START, end)
    local, imported = live.total("new_local_infection"), live.total("new_imported_infection")
    inside = live.total("new_inside_control")
    assert inside.sum() == 2  # found in centralised quarantine on 11 and 12 Sep
    si = estimates.serial_interval_for("35", end)
    seed = end.toordinal()
    kept = estimates.renewal_quantiles(local, imported, si, seed=seed, isolated=inside)
    every = estimates.renewal_quantiles(local, imported, si, seed=seed)
    assert stored.points == estimates.points_of(kept[1], end, kept[2])
    # the Rt behind it is that of the cases found free: higher than if all infected
    assert stored.r_mean == pytest.approx(kept[0]) and kept[0] > every[0]


def test_every_model_forecasts_from_its_own_past_once_there_is_enough_data():
    rng = np.random.default_rng(5)
    local = np.concatenate([[0, 0, 3], rng.poisson(np.linspace(4, 40, 37))]).astype(float)
    imported = np.zeros_like(local)
    si = estimates.SerialInterval(4.7, 2.9, SiSource.LITERATURE)
    made_all = estimates.model_forecasts(local, imported, si)
    by_model, r_mean = made_all.quantiles, made_all.r_mean
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
    again = estimates.model_forecasts(later, imported, si)
    for model in by_model:
        np.testing.assert_array_equal(by_model[model][:31], again.quantiles[model][:31])
        np.testing.assert_array_equal(made_all.cdf[model][:31], again.cdf[model][:31])
    # every model's CDF at its quantiles brackets the level, P(Y < q) <= level <= P(Y <= q),
    # within one path where a quantile is interpolated between two paths' values
    slack = 1 / estimates.FORECAST_SIMS + 1e-12
    for model, cdf in made_all.cdf.items():
        made = ~np.isnan(by_model[model]).any(axis=(1, 2))
        below, at = cdf[made][..., 0], cdf[made][..., 1]
        assert np.all(below <= np.asarray(scoring.LEVELS) + slack), model
        assert np.all(at >= np.asarray(scoring.LEVELS) - slack), model
        assert np.any(at - below > 0.05), model  # and some quantile carries mass: counts


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


def test_serial_interval_from_pairs_known_by_each_day_else_literature(db, monkeypatch):
    from types import SimpleNamespace

    import pingji.analytics.estimates as est
    from pingji.analytics.series import cutoff

    early = cutoff(D(2021, 9, 10)) - datetime.timedelta(hours=1)
    late = cutoff(D(2021, 9, 20)) - datetime.timedelta(hours=1)
    pairs = [
        SimpleNamespace(
            onset_days=(k % 9) - 2, recorded_at=early if k < 25 else late
        )  # 25 early pairs, a third of them at <= 0 days, and 5 more recorded on 20 Sep
        for k in range(30)
    ]
    monkeypatch.setattr(
        "pingji.tracing.chains.pairs_known_by",
        lambda code, moments: [[p for p in pairs if p.recorded_at < m] for m in moments],
    )
    days = [D(2021, 9, 9), D(2021, 9, 10), D(2021, 9, 19), D(2021, 9, 20)]
    before, first, same, after = est.serial_intervals("35", days)
    assert before.source == SiSource.LITERATURE and before.pairs == 0
    pack = figure(COVID_19, "transmission", "serial_interval")
    assert (before.mean, before.sd) == (pack.mean, pack.sd)
    assert before.figure == "covid-19:transmission.serial_interval" == pack.source
    assert first.source == SiSource.PAIRS and first.pairs == 25
    assert same is first  # no new pair: the fit is reused, not redone
    assert after.pairs == 30 and after.mean != first.mean
    # what entered the renewal equation: the fit conditioned on >= 1 day, recorded as such
    assert first.weights[0] == 0 and first.weights.sum() == pytest.approx(1)
    assert first.mean == pytest.approx(float(np.arange(first.weights.size) @ first.weights))
    assert first.fit.mean < first.mean  # the fitted interval itself reaches below one day
    monkeypatch.setattr(est, "MIN_PAIRS", 26)
    few = est.serial_interval_for("35", D(2021, 9, 10))
    assert few.source == SiSource.LITERATURE and few.pairs == 25  # known, too few: said so
    # pairs mostly at <= 0 days cannot give renewal weights: the fallback says how many there were
    monkeypatch.setattr(est, "MIN_PAIRS", 20)
    for p in pairs:
        p.onset_days -= 4
    refused = est.serial_interval_for("35", D(2021, 9, 20))
    assert refused.source == SiSource.LITERATURE and refused.pairs == 30


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


def test_rt_after_the_outbreak_is_insufficient_data_not_a_drift_back_to_the_prior():
    local = np.concatenate([[2, 4, 8], np.full(20, 20), np.zeros(40)]).astype(float)
    si = estimates.SerialInterval(4.7, 2.9, SiSource.LITERATURE)
    rows = estimates.rt_rows(local, np.zeros_like(local), START, si)
    during = [r for r in rows if r.day <= START + datetime.timedelta(days=22)]
    assert during[-1].mean is not None and not during[-1].insufficient
    # a month after the last case: no number at all (EpiEstim would say about 5, the prior)
    assert rows[-1].insufficient and rows[-1].mean is None and rows[-1].quantiles is None
    assert estimates.rt_rows(np.zeros(30), np.zeros(30), START, si) == []


def _stored_estimates() -> tuple[dict, dict]:
    forecasts = {
        (r.jurisdiction_id, r.issued_on, r.model): r.points for r in ForecastRun.objects.all()
    }
    rt = {(r.jurisdiction_id, r.day): (r.mean, r.q975, r.si_mean) for r in RtEstimate.objects.all()}
    return forecasts, rt


@pytest.mark.django_db
def test_a_daily_run_estimates_only_its_new_day_and_stores_what_a_whole_run_would(
    outbreak, tree, monkeypatch
):
    monkeypatch.setattr(epi_rt, "MAX_POSTERIOR_CV", 1.0)  # renewal forecasts from few cases
    end = END + datetime.timedelta(days=3)
    do_compute_series(tree["35"], START, end)
    whole = _stored_estimates()
    assert ForecastRun.objects.filter(model="renewal", issued_on__lt=end).exists()
    earlier = set(ForecastRun.objects.filter(issued_on__lt=end).values_list("pk", flat=True))
    runs = []
    original = estimates.renewal_quantiles
    monkeypatch.setattr(
        estimates, "renewal_quantiles", lambda *a, **k: runs.append(a[0].size) or original(*a, **k)
    )
    do_compute_series(tree["35"], START, end, issued_from=end)
    assert runs and set(runs) == {(end - START).days + 1}  # the new day only, per area
    assert _stored_estimates() == whole  # the ensemble weighed the stored renewal forecasts
    kept = set(ForecastRun.objects.filter(issued_on__lt=end).values_list("pk", flat=True))
    assert kept == earlier  # earlier days' rows were not rewritten
