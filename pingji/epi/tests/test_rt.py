"""Rt by Cori et al. (2013): EpiEstim's own outputs reproduced, the maths checked by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from pingji.epi import rt
from pingji.epi.rt_uncertain import estimate_r_uncertain
from pingji.epi.tests import epiestim_reference as ref

PRINTED = 1e-7  # R printed 8 significant digits: rounding error at most 5e-8 on these values


def assert_rows_match(ours: list[dict], printed: list[dict]) -> None:
    assert len(ours) == len(printed)
    for mine, theirs in zip(ours, printed, strict=True):
        assert (mine["t_start"], mine["t_end"]) == (theirs["t_start"], theirs["t_end"])
        for column in ref.COLUMNS.values():
            assert mine[column] == pytest.approx(theirs[column], abs=PRINTED), (mine, column)


def test_example1_non_parametric_si_matches_epiestim():
    # Given Flu2009 and its discrete serial interval, when estimating on EpiEstim's windows
    ours = rt.estimate_r(ref.FLU2009_INCIDENCE, si_distr=ref.FLU2009_SI).rows()
    # then every window matches EpiEstim's saved output
    assert_rows_match(ours, ref.parse_table(ref.EXAMPLE1))


def test_example2_local_and_imported_cases_match_epiestim():
    # Given local and imported cases and a parametric serial interval (mean 2.6, sd 1.5)
    ours = rt.estimate_r(ref.EXAMPLE2_LOCAL, ref.EXAMPLE2_IMPORTED, si_mean=2.6, si_sd=1.5).rows()
    assert_rows_match(ours, ref.parse_table(ref.EXAMPLE2))


def test_example3_parametric_si_matches_epiestim():
    ours = rt.estimate_r(ref.FLU2009_INCIDENCE, si_mean=2.6, si_sd=1.5).rows()
    assert_rows_match(ours, ref.parse_table(ref.EXAMPLE3))


def test_the_flu2009_serial_interval_is_the_one_epiestim_used():
    # The printed moments of the 3-decimal distribution agree: it is not a rounded copy
    si = np.asarray(ref.FLU2009_SI)
    days = np.arange(si.size)
    mean = float(days @ si)
    assert mean == pytest.approx(ref.FLU2009_SI_MOMENTS[0], abs=1e-12)
    assert np.sqrt(days**2 @ si - mean**2) == pytest.approx(ref.FLU2009_SI_MOMENTS[1], abs=5e-7)


def test_discr_si_matches_epiestim_printed_values():
    printed = np.array(ref.DISCR_SI_2_6_1_5.split(), dtype=float)
    ours = rt.discr_si(np.arange(printed.size), 2.6, 1.5)
    np.testing.assert_allclose(ours, printed, rtol=5e-7, atol=1e-15)


@pytest.mark.parametrize("mean, sd", [(2.6, 1.5), (4.7, 2.9), (8.4, 3.8), (14.9, 3.9), (3, 6)])
def test_discr_si_is_the_day_censored_shifted_gamma(mean, sd):
    # Given a gamma interval shifted by one day whose start is uniform within day 0,
    # w_k = P(end on day k) = integral of the triangle (1 - |x - k|) times the shifted gamma pdf
    shape, scale = ((mean - 1) / sd) ** 2, sd**2 / (mean - 1)

    def by_quadrature(k: int) -> float:
        def density(x: float) -> float:
            return (1 - abs(x - k)) * stats.gamma.pdf(x - 1, shape, scale=scale)

        return sum(
            integrate.quad(density, lo, hi, epsabs=1e-13, limit=200)[0]
            for lo, hi in ((k - 1, k), (k, k + 1))
        )

    days = np.arange(0, 30)
    w = rt.discr_si(days, mean, sd)
    np.testing.assert_allclose(w, [by_quadrature(k) for k in days], atol=1e-9)
    # and over a long enough support it is a distribution with the continuous mean
    long = rt.discr_si(np.arange(400), mean, sd)
    assert long.sum() == pytest.approx(1, abs=1e-9)
    assert np.arange(400) @ long == pytest.approx(mean, abs=1e-6)
    assert w[0] == 0


def test_posterior_of_a_tiny_series_by_hand():
    # Given 4 days of total cases [2, 3, 4, 1] (day 1 all imported) and w = (0, 0.5, 0.5)
    local = [2, 3, 4, 1]
    est = rt.estimate_r(local, si_distr=[0, 0.5, 0.5], window=2)
    # Lambda: day2 = .5*2 = 1, day3 = .5*3 + .5*2 = 2.5, day4 = .5*4 + .5*3 = 3.5
    # windows [2,3] and [3,4]: shape 1 + (3+4), 1 + (4+1); scale 1/(1/5 + 3.5), 1/(1/5 + 6)
    assert est.t_start.tolist() == [2, 3] and est.t_end.tolist() == [3, 4]
    np.testing.assert_allclose(est.shape, [8, 6])
    np.testing.assert_allclose(est.scale, [1 / 3.7, 1 / 6.2])
    np.testing.assert_allclose(est.mean, [8 / 3.7, 6 / 6.2])
    np.testing.assert_allclose(est.std, [np.sqrt(8) / 3.7, np.sqrt(6) / 6.2])
    expected = stats.gamma.ppf(rt.QUANTILES, 8, scale=1 / 3.7)
    np.testing.assert_allclose(est.quantiles[0], expected, rtol=1e-12)


def test_imported_cases_feed_infectivity_but_are_not_explained():
    local = np.array([0, 2, 3, 5, 4, 6, 3, 2, 4, 1])
    imported = np.array([3, 0, 0, 4, 0, 0, 0, 0, 0, 0])
    base = rt.estimate_r(local, si_mean=3.0, si_sd=1.5, window=3)
    with_imports = rt.estimate_r(local, imported, si_mean=3.0, si_sd=1.5, window=3)
    # the same local cases are explained (same shape) by more infectivity (smaller scale)
    np.testing.assert_array_equal(base.shape, with_imports.shape)
    assert np.all(with_imports.scale <= base.scale) and np.any(with_imports.scale < base.scale)
    # and the first day's local cases count as imported, as EpiEstim's process_I does
    moved = rt.estimate_r(local + np.eye(10, dtype=int)[0] * 3, si_mean=3.0, si_sd=1.5, window=3)
    as_imported = rt.estimate_r(
        local, imported * np.eye(10, dtype=int)[0], si_mean=3, si_sd=1.5, window=3
    )
    np.testing.assert_allclose(moved.mean, as_imported.mean)


def test_windows_ending_before_the_mean_serial_interval_are_dropped():
    # Given a serial interval of mean 6 days, EpiEstim reports no window ending on day <= 6
    si = np.zeros(11)
    si[[4, 8]] = 0.5
    est = rt.estimate_r(np.arange(1, 13), si_distr=si, window=3)
    assert est.t_end.min() == 7 and est.t_start.min() == 5
    assert est.si_mean == pytest.approx(6)


def test_default_windows_are_epiestims_weekly_sliding_windows():
    est = rt.estimate_r(np.full(30, 5), si_mean=2.6, si_sd=1.5)
    assert est.t_start.tolist() == list(range(2, 25))
    assert (est.t_end - est.t_start).tolist() == [6] * 23


def naive(local, imported, si, window):
    """The formula written out day by day, window by window (no numpy tricks)."""
    local, imported = list(map(float, local)), list(map(float, imported))
    imported[0] += local[0]
    local[0] = 0.0
    total = [a + b for a, b in zip(local, imported, strict=True)]
    days = len(total)
    lam = [0.0] + [
        sum(si[s] * total[t - s] for s in range(1, t + 1) if s < len(si)) for t in range(1, days)
    ]
    mean_si = sum(k * w for k, w in enumerate(si))
    out = []
    for start in range(2, days - window + 2):
        end = start + window - 1
        if end <= mean_si:
            continue
        shape = 1 + sum(local[start - 1 : end])
        rate = 1 / 5 + sum(lam[start - 1 : end])
        out.append((start, end, shape / rate, np.sqrt(shape) / rate))
    return out


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 60), min_size=24, max_size=24),
    imports=st.lists(st.integers(0, 3), min_size=12, max_size=12),
    window=st.integers(1, 9),
    si_mean=st.floats(1.5, 9),
    si_sd=st.floats(0.5, 5),
)
def test_vectorised_batch_equals_the_naive_formula(counts, imports, window, si_mean, si_sd):
    # Given two series in one batch (the second reversed, with imports in its first half)
    local = np.array([counts, counts[::-1]])
    imported = np.zeros_like(local)
    imported[1, :12] = imports
    batch = rt.estimate_many(local, imported, si_mean=si_mean, si_sd=si_sd, window=window)
    si = rt.discr_si(np.arange(24), si_mean, si_sd)
    for j in range(2):
        expected = naive(local[j], imported[j], si, window)
        one = batch[j]
        assert one.t_start.tolist() == [e[0] for e in expected]
        np.testing.assert_allclose(one.mean, [e[2] for e in expected], rtol=1e-10)
        np.testing.assert_allclose(one.std, [e[3] for e in expected], rtol=1e-10)
        if local[j].sum() + imported[j].sum() == 0:
            continue  # a single series without a case is refused (the batch keeps its row)
        single = rt.estimate_r(local[j], imported[j], si_mean=si_mean, si_sd=si_sd, window=window)
        np.testing.assert_allclose(single.quantiles, one.quantiles, rtol=1e-12)


def test_quantiles_shared_across_repeated_shapes_equal_scipy():
    shape = np.array([[3.0, 7.0, 3.0], [7.0, 1.5, 3.0]])
    scale = np.array([[0.5, 0.1, 2.0], [1.0, 3.0, 0.25]])
    q = rt.gamma_quantiles(shape, scale, rt.QUANTILES)
    expected = stats.gamma.ppf(np.array(rt.QUANTILES), shape[..., None], scale=scale[..., None])
    np.testing.assert_allclose(q, expected, rtol=1e-12)


SI = {"si_mean": 4.0, "si_sd": 2.0}


@pytest.mark.parametrize(
    "local, imported, options, message",
    [
        ([1, 2, -1, 4, 5, 6, 7, 8, 9], None, SI, "local count on day 3 is negative"),
        ([1, 2, 3, np.nan, 5, 6, 7, 8, 9], None, SI, "day 4 is NaN"),
        ([1, 2, 3, 4, 5.5, 6, 7, 8, 9], None, SI, "day 5 is not a whole number"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], [0] * 8 + [-2], SI, "imported count on day 9 is negative"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], [0] * 8, SI, "differ in shape"),
        ([1, 2, 3, 4, 5, 6, 7], None, SI, "7 days is too short for a 7-day window"),
        ([1] * 9, None, {**SI, "window": 0}, "window must be"),
        ([1] * 9, None, {**SI, "window": 2.5}, "window must be"),
        ([1] * 9, None, {}, "a serial interval is required"),
        ([1] * 9, None, {"si_mean": 4.0}, "a serial interval is required"),
        ([1] * 9, None, {**SI, "si_distr": [0, 1]}, "not both"),
        ([1] * 9, None, {"si_mean": 1.0, "si_sd": 1.0}, "mean must be greater than 1"),
        ([1] * 9, None, {"si_mean": 3.0, "si_sd": 0.0}, "sd must be positive"),
        ([1] * 9, None, {"si_distr": [0.1, 0.9]}, "must start with 0"),
        ([1] * 9, None, {"si_distr": [0, 0.5, 0.3]}, "sums to 0.8"),
        ([1] * 9, None, {"si_distr": [0, 1.2, -0.2]}, "negative on day 2"),
        ([1] * 9, None, {"si_distr": [0, np.nan, 1]}, "NaN"),
        ([1] * 9, None, {"si_distr": [[0, 1]]}, "1-D"),
        ([1] * 9, None, {"si_distr": ["a", "b"]}, "not numeric"),
        (["x"] * 9, None, SI, "not numeric"),
        ([1] * 9, None, {**SI, "prior_sd": 0}, "prior"),
    ],
)
def test_bad_input_is_refused_with_the_reason(local, imported, options, message):
    with pytest.raises(ValueError, match=message):
        rt.estimate_r(local, imported, **options)


def test_batch_errors_name_the_series():
    local = np.ones((3, 10))
    local[2, 4] = -1
    with pytest.raises(ValueError, match="day 5 of series 2 is negative"):
        rt.estimate_many(local, si_mean=3, si_sd=1)
    with pytest.raises(ValueError, match="use estimate_many"):
        rt.estimate_r(np.ones((2, 10)), si_mean=3, si_sd=1)


def test_an_uncertain_interval_of_identical_samples_pools_to_the_single_estimate():
    # K equal samples: the pooled draws come from one Gamma posterior per window
    si = np.asarray(ref.FLU2009_SI)
    one = rt.estimate_r(ref.FLU2009_INCIDENCE, si_distr=si)
    pooled = estimate_r_uncertain(
        ref.FLU2009_INCIDENCE, si_distrs=np.tile(si, (40, 1)), n_draws=500, seed=1
    )
    np.testing.assert_array_equal(pooled.t_end, one.t_end)
    np.testing.assert_array_equal(pooled.shape, one.shape)
    np.testing.assert_allclose(pooled.mean, one.mean, rtol=0.02)
    np.testing.assert_allclose(pooled.std, one.std, rtol=0.05)
    np.testing.assert_allclose(pooled.quantiles, one.quantiles, rtol=0.05)


def test_an_uncertain_interval_widens_rt_and_is_reproducible():
    rng = np.random.default_rng(2)
    local = rng.poisson(np.linspace(3, 60, 50)).astype(float)
    short, long_ = rt.discr_si(np.arange(30), 3.0, 1.5), rt.discr_si(np.arange(30), 7.0, 2.5)
    mixed = np.vstack([short / short.sum(), long_ / long_.sum()] * 20)
    pooled = estimate_r_uncertain(local, si_distrs=mixed, n_draws=100, seed=4)
    alone = rt.estimate_r(local, si_distr=short / short.sum())
    last = -1
    width = pooled.quantiles[last, -1] - pooled.quantiles[last, 0]
    assert width > alone.quantiles[last, -1] - alone.quantiles[last, 0]
    again = estimate_r_uncertain(local, si_distrs=mixed, n_draws=100, seed=4)
    np.testing.assert_array_equal(pooled.quantiles, again.quantiles)
    # a window's numbers depend only on the data up to its end (common random numbers)
    cut = estimate_r_uncertain(local[:30], si_distrs=mixed, n_draws=100, seed=4)
    at = int(np.flatnonzero(pooled.t_end == 30)[0])
    assert cut.t_end[-1] == 30
    np.testing.assert_allclose(cut.quantiles[-1], pooled.quantiles[at], rtol=1e-12)
    assert cut.mean[-1] == pytest.approx(pooled.mean[at], rel=1e-12)


def test_windows_with_a_posterior_cv_above_0_3_are_insufficient():
    # CV = 1 / sqrt(shape): 11 cases plus the prior's shape 1 is below 0.3, 10 is not
    assert list(rt.sufficient([1.0, 11.0, 12.0, 200.0])) == [False, False, True, True]
    assert rt.MAX_POSTERIOR_CV**-2 == pytest.approx(11.111, abs=1e-3)


@pytest.mark.parametrize(
    "si_distrs, message",
    [([[0.5, 0.5]], "start with 0"), ([[0, 0.4]], "sum to 1"), ([["a", 1]], "not numeric")],
)
def test_bad_interval_samples_are_refused(si_distrs, message):
    with pytest.raises(ValueError, match=message):
        estimate_r_uncertain([1, 2, 3, 4, 5, 6, 7, 8, 9], si_distrs=si_distrs)


def test_a_series_without_cases_is_refused_not_answered_with_the_prior():
    for estimate in (
        lambda: rt.estimate_r(np.zeros(20), si_mean=4.7, si_sd=2.9),
        lambda: estimate_r_uncertain(np.zeros(20), si_distrs=[ref.FLU2009_SI]),
    ):
        with pytest.raises(ValueError, match="no case"):
            estimate()
    with pytest.raises(ValueError, match="too short"):
        estimate_r_uncertain([3, 4, 5], si_distrs=[ref.FLU2009_SI])


def test_an_uncertain_estimate_limited_to_some_window_ends_gives_the_same_windows():
    local = np.random.default_rng(6).poisson(np.linspace(3, 30, 30)).astype(float)
    samples = np.tile(np.asarray(ref.FLU2009_SI), (5, 1))
    every = estimate_r_uncertain(local, si_distrs=samples, n_draws=20)
    some = estimate_r_uncertain(local, si_distrs=samples, n_draws=20, t_ends=[12, 20, 99])
    assert some.t_end.tolist() == [12, 20]
    none = estimate_r_uncertain(local, si_distrs=samples, n_draws=20, t_ends=[1, 99])
    assert none.t_end.size == 0 and none.quantiles.shape == (0, len(rt.QUANTILES))
    at = np.isin(every.t_end, [12, 20])
    np.testing.assert_array_equal(some.quantiles, every.quantiles[at])
