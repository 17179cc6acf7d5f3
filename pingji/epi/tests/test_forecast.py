"""Forecasts by the renewal equation from the last Rt posterior, and their scoring."""

import numpy as np
import pytest

from pingji.epi import forecast as fc
from pingji.epi import rt
from pingji.epi.tests import epiestim_reference as ref

GROWING = [2, 3, 3, 5, 6, 8, 9, 12, 14, 18, 21, 26, 30, 37, 44, 52]


def test_same_seed_same_forecast_and_other_seed_other_paths():
    a = fc.forecast(GROWING, si_mean=4.0, si_sd=2.0, horizon=14, seed=7)
    b = fc.forecast(GROWING, si_mean=4.0, si_sd=2.0, horizon=14, seed=7)
    c = fc.forecast(GROWING, si_mean=4.0, si_sd=2.0, horizon=14, seed=8)
    np.testing.assert_array_equal(a.paths, b.paths)
    assert not np.array_equal(a.paths, c.paths)
    assert a.day.tolist() == list(range(17, 31))
    assert a.quantiles.shape == (14, 5) and a.paths.shape == (2000, 14)


def test_intervals_are_ordered_and_a_growing_epidemic_keeps_growing():
    f = fc.forecast(GROWING, si_mean=4.0, si_sd=2.0, horizon=7, seed=1)
    assert np.all(np.diff(f.quantiles, axis=1) >= 0)  # 2.5 <= 25 <= 50 <= 75 <= 97.5 %
    assert f.median[-1] > f.median[0] > GROWING[-1] * 0.8
    assert np.all(f.upper95 > f.lower95)
    row = f.rows()[0]
    assert set(row) == {"day", "q0.025", "q0.25", "q0.5", "q0.75", "q0.975"} and row["day"] == 17


def test_first_day_mean_is_posterior_mean_r_times_infectivity():
    # Given the last window's posterior, E[cases on day T+1] = E[R] * Lambda_{T+1} exactly
    local = np.array(ref.FLU2009_INCIDENCE[:20])
    f = fc.forecast(local, si_distr=ref.FLU2009_SI, horizon=1, n_sims=200_000, seed=3)
    est = rt.estimate_r(local, si_distr=ref.FLU2009_SI)
    si = rt.serial_interval(21, si_distr=ref.FLU2009_SI)
    lam_next = sum(si[s] * local[20 - s] for s in range(1, 21))
    expected = est.mean[-1] * lam_next
    assert (f.r_shape, f.r_scale) == (est.shape[-1], est.scale[-1])
    sims = f.paths[:, 0]
    assert sims.mean() == pytest.approx(expected, abs=4 * sims.std() / np.sqrt(sims.size))


def test_imported_cases_raise_the_forecast():
    local = np.array(GROWING)
    imported = np.zeros_like(local)
    imported[-3:] = 20
    plain = fc.forecast(local, si_mean=4.0, si_sd=2.0, horizon=7, seed=2)
    seeded = fc.forecast(local, imported, si_mean=4.0, si_sd=2.0, horizon=7, seed=2)
    assert seeded.median[0] > plain.median[0]


def test_an_extinct_epidemic_forecasts_nothing():
    local = [5, 8, 6, 4, 3, 2, 1] + [0] * 40
    f = fc.forecast(local, si_mean=3.0, si_sd=1.0, horizon=14, seed=0)
    assert f.paths.max() == 0
    assert np.all(f.cdf[..., 0] == 0) and np.all(f.cdf[..., 1] == 1)  # all mass on 0


def test_the_cdf_at_each_quantile_is_the_share_of_paths_below_and_at_it():
    local = [9, 7, 6, 4, 3, 3, 2, 1, 1, 1, 0, 1, 0, 0]  # a tail: small counts, mass on each
    f = fc.forecast(local, si_mean=3.0, si_sd=1.5, horizon=5, seed=4)
    day, level = 2, 1  # three days ahead, the 25 % quantile
    path = f.paths[:, day]
    q = f.quantiles[day, level]
    assert f.cdf[day, level].tolist() == [np.mean(path < q), np.mean(path <= q)]
    assert f.cdf.shape == (5, 5, 2) and np.all(f.cdf[..., 1] > f.cdf[..., 0])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"horizon": 0}, "horizon"),
        ({"horizon": 7.0}, "horizon"),
        ({"n_sims": 10}, "n_sims"),
        ({"si_mean": 1.0}, "greater than 1"),
    ],
)
def test_bad_forecast_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        fc.forecast(GROWING, **{"si_mean": 4.0, "si_sd": 2.0, **options})


def test_too_short_or_bad_series_is_refused():
    with pytest.raises(ValueError, match="too short"):
        fc.forecast([1, 2, 3], si_mean=4.0, si_sd=2.0)
    with pytest.raises(ValueError, match="negative"):
        fc.forecast([1, 2, 3, 4, 5, 6, -7, 8], si_mean=4.0, si_sd=2.0)


def _renewal_series(r: float, k: float | None, days: int, seed: int) -> np.ndarray:
    """Cases of a renewal process with constant ``r``: Poisson (``k`` None) or negative binomial."""
    rng = np.random.default_rng(seed)
    w = rt.serial_interval(days, si_mean=4.0, si_sd=2.0)
    y = np.zeros(days)
    y[:3] = 30
    for t in range(3, days):
        mean = r * (y[:t][::-1] @ w[1 : t + 1])
        y[t] = rng.poisson(mean if k is None else rng.gamma(k, mean / k))
    return y


def test_overdispersion_is_estimated_from_one_day_ahead_errors():
    poisson = _renewal_series(1.0, None, 60, seed=4)
    scattered = _renewal_series(1.0, 3.0, 60, seed=4)
    calm = fc.forecast(poisson, si_mean=4.0, si_sd=2.0, horizon=7, seed=0)
    wild = fc.forecast(scattered, si_mean=4.0, si_sd=2.0, horizon=7, seed=0)
    assert calm.overdispersion < 0.1  # Poisson data: k near infinity
    assert 0.1 < wild.overdispersion < 1.0  # the truth is 1/k = 0.33

    def relative_width(f):
        return float(np.mean((f.upper95 - f.lower95) / np.maximum(f.median, 1)))

    assert relative_width(wild) > 1.5 * relative_width(calm)


def test_intervals_of_overdispersed_counts_cover_what_comes():
    """Issued on many days of negative binomial series, the 95 % intervals hold about 95 % of the
    outcomes; a Poisson forecast (what this model was before) holds far fewer."""
    inside, total = 0, 0
    for seed in range(6):
        y = _renewal_series(1.0, 3.0, 70, seed=seed)
        for day in range(40, 63, 4):
            f = fc.forecast(y[:day], si_mean=4.0, si_sd=2.0, horizon=7, n_sims=500, seed=day)
            ahead = y[day : day + 7]
            inside += int(np.sum((f.lower95 <= ahead) & (ahead <= f.upper95)))
            total += ahead.size
    assert 0.85 <= inside / total <= 1.0


def test_the_forecast_does_not_depend_on_how_many_quiet_days_precede_the_outbreak():
    """The spread is estimated only from windows the model would forecast from: a window just
    after the first case (whose R is the prior's guess) must not widen every later forecast."""
    outbreak = [1, 32, 13, 7, 31, 8, 39, 16, 36, 11, 17, 11, 1, 5]
    short = fc.forecast([0, 0] + outbreak, si_mean=3.5, si_sd=2.0, horizon=7, seed=5)
    long = fc.forecast([0] * 40 + outbreak, si_mean=3.5, si_sd=2.0, horizon=7, seed=5)
    assert short.overdispersion == pytest.approx(long.overdispersion, rel=1e-12)
    assert short.overdispersion > 0
    np.testing.assert_allclose(short.quantiles, long.quantiles)


def test_cases_found_isolated_infect_nobody_in_rt_and_forecast():
    """A case found already in quarantine is an outcome, not an infector: Lambda leaves it out,
    so the window's Rt is that of the cases found free, and the forecast falls with the share of
    recent cases that were isolated."""
    local = np.array(GROWING, dtype=float)
    isolated = np.floor(local * 0.75)  # three in four found inside control
    free = rt.estimate_r(local, isolated=isolated, si_mean=4.0, si_sd=2.0)
    every = rt.estimate_r(local, si_mean=4.0, si_sd=2.0)
    si = rt.serial_interval(local.size, si_mean=4.0, si_sd=2.0)
    lam = rt.infectivity(local - isolated, si)
    window = slice(local.size - rt.DEFAULT_WINDOW, local.size)
    prior_rate = rt.PRIOR_MEAN / rt.PRIOR_SD**2
    assert free.mean[-1] == pytest.approx(
        (((rt.PRIOR_MEAN / rt.PRIOR_SD) ** 2) + local[window].sum())
        / (prior_rate + lam[window].sum())
    )
    assert free.mean[-1] > every.mean[-1]
    kept = fc.forecast(local, isolated=isolated, si_mean=4.0, si_sd=2.0, horizon=7, seed=2)
    plain = fc.forecast(local, si_mean=4.0, si_sd=2.0, horizon=7, seed=2)
    assert kept.median[-1] < plain.median[-1]
    none = fc.forecast(local, isolated=np.zeros_like(local), si_mean=4.0, si_sd=2.0, seed=2)
    np.testing.assert_array_equal(
        none.paths, fc.forecast(local, si_mean=4.0, si_sd=2.0, seed=2).paths
    )


def test_the_isolated_share_is_that_of_the_last_window():
    local = np.array([0, 4, 4, 4, 4, 4, 4, 4, 4, 10])
    isolated = np.array([0, 0, 0, 4, 4, 4, 4, 2, 2, 5])
    assert fc.isolated_share(local, isolated, window=3) == pytest.approx(9 / 18)
    assert fc.isolated_share(np.zeros(5), np.zeros(5)) == 0.0


@pytest.mark.parametrize(
    ("isolated", "message"),
    [([9] * 16, "more cases isolated"), ([-1] * 16, "negative"), ([1] * 5, "shape")],
)
def test_isolated_counts_that_cannot_be_are_refused(isolated, message):
    with pytest.raises(ValueError, match=message):
        fc.forecast(GROWING[:1] * 16, isolated=isolated, si_mean=4.0, si_sd=2.0)
