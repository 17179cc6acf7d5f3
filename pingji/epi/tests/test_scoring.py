"""WIS, absolute error and coverage; the naive baselines; the skill-weighted ensemble."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pingji.epi import baselines, ensemble, scoring

LEVELS = scoring.LEVELS


def test_wis_by_hand_for_one_forecast():
    # median 10, 50 % interval [8, 12], 95 % interval [5, 20]; observed 22 (above every bound)
    q = [5.0, 8.0, 10.0, 12.0, 20.0]
    # 1/(2 + 1/2) * (0.5*12 + 0.025*(15 + 40*2) + 0.25*(4 + 4*10)) = (6 + 2.375 + 11) / 2.5
    assert scoring.wis(q, 22.0) == pytest.approx((6 + 2.375 + 11) / 2.5)
    # observed inside everything: only the widths and the median's error count
    assert scoring.wis(q, 10.0) == pytest.approx((0 + 0.025 * 15 + 0.25 * 4) / 2.5)


def test_a_point_forecast_scores_its_absolute_error():
    q = np.full(5, 7.0)
    assert scoring.wis(q, 3.0) == pytest.approx(4.0)
    assert scoring.absolute_error(q, 3.0) == pytest.approx(4.0)


def test_wis_matches_the_quantile_loss_form():
    # Bracher et al. (2021): WIS = 1/(K + 1/2) * the sum of the quantile (pinball) losses
    rng = np.random.default_rng(3)
    q = np.sort(rng.gamma(3.0, 4.0, size=(200, 5)), axis=1)
    y = rng.poisson(12, size=200).astype(float)
    tau = np.asarray(LEVELS)
    pinball = np.sum(((y[:, None] <= q) - tau) * (q - y[:, None]), axis=1)
    np.testing.assert_allclose(scoring.wis(q, y), 2 / 5 * pinball, rtol=1e-12)


def test_coverage_and_skill_skip_days_not_yet_observed():
    q = np.array([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]], dtype=float)
    y = np.array([2.0, 9.0, np.nan])
    assert scoring.held(q, y, 0.95).tolist()[:2] == [1.0, 0.0]
    s = scoring.skill(q, y)
    assert s.n == 2 and s.coverage95 == 0.5 and s.mae == pytest.approx(3.5) and s.zeros == 0


def test_skill_counts_the_zero_outcomes_an_interval_from_zero_always_covers():
    q = np.array([[0, 0, 1, 2, 5]] * 4, dtype=float)
    s = scoring.skill(q, np.array([0.0, 0.0, 7.0, np.nan]))
    # continuous forecasts (no cdf given): coverage is what the bounds hold
    assert s.zeros == 2 and s.coverage50 == pytest.approx(2 / 3) == s.held50


def test_coverage_of_an_outcome_on_a_bound_with_mass_by_hand():
    # P(0) = 0.6, P(1) = 0.2: the 50 % interval is [0, 1] and the 95 % one [0, 3]
    q = np.array([0.0, 0.0, 0.0, 1.0, 3.0])
    cdf = np.array([[0, 0.6], [0, 0.6], [0, 0.6], [0.6, 0.8], [0.97, 0.99]])
    # y = 0: its PIT is uniform on [0, 0.6], of which [0.25, 0.6] is inside [0.25, 0.75]
    assert scoring.coverage(q, 0.0, 0.5, cdf=cdf) == pytest.approx(0.35 / 0.6)
    # y = 1: PIT on [0.6, 0.8], inside up to 0.75; y = 2 lies strictly inside the 95 % one
    assert scoring.coverage(q, 1.0, 0.5, cdf=cdf) == pytest.approx(0.15 / 0.2)
    assert scoring.coverage(q, 2.0, 0.95, cdf=cdf) == 1.0
    assert scoring.coverage(q, 4.0, 0.95, cdf=cdf) == 0.0  # outside, whatever the mass
    assert scoring.held(q, 0.0, 0.5) == 1.0


def test_a_calibrated_count_forecast_covers_its_nominal_level_where_bounds_hold_more():
    from scipy import stats

    rng = np.random.default_rng(11)
    means = rng.gamma(0.7, 1.5, size=20_000)  # mostly near zero, as in an outbreak's tail
    dist = stats.poisson(means[:, None])
    q = dist.ppf(np.asarray(LEVELS))
    cdf = np.stack([dist.cdf(q - 1), dist.cdf(q)], axis=-1)
    y = rng.poisson(means).astype(float)  # outcomes drawn from the forecasts themselves
    s = scoring.skill(q, y, cdf=cdf)
    assert s.coverage50 == pytest.approx(0.5, abs=0.01)
    assert s.coverage95 == pytest.approx(0.95, abs=0.01)
    assert s.held50 > 0.75 and s.held95 > 0.98  # the bounds of such forecasts hold far more
    # a forecast too sharp (means a third of the truth) covers less than nominal
    sharp = stats.poisson(means[:, None] / 3)
    q3 = sharp.ppf(np.asarray(LEVELS))
    low = scoring.skill(q3, y, cdf=np.stack([sharp.cdf(q3 - 1), sharp.cdf(q3)], axis=-1))
    assert low.coverage50 < 0.45 and low.coverage95 < 0.9


def test_coverage_refuses_a_cdf_of_the_wrong_shape():
    with pytest.raises(ValueError, match="cdf"):
        scoring.coverage(np.zeros((3, 5)), np.zeros(3), 0.5, cdf=np.zeros((3, 5)))


@pytest.mark.parametrize(
    "levels, message",
    [((0.25, 0.75), "median"), ((0.1, 0.5, 0.8), "partner"), ((0.5, 0.4), "increasing")],
)
def test_bad_levels_are_refused(levels, message):
    with pytest.raises(ValueError, match=message):
        scoring.intervals_of(levels)


def test_crossing_quantiles_and_wrong_shapes_are_refused():
    with pytest.raises(ValueError, match="decrease"):
        scoring.wis([5, 4, 3, 2, 1], 3)
    with pytest.raises(ValueError, match="shape"):
        scoring.wis(np.zeros((3, 5)), np.zeros(4))


def test_baselines_last_and_mean7_points():
    y = np.array([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]], dtype=float)
    assert baselines.points(y, "last")[0, 9] == 9
    mean7 = baselines.points(y, "mean7")[0]
    assert np.isnan(mean7[5]) and mean7[6] == 3 and mean7[9] == 6


@pytest.mark.parametrize("days", [1, 3, 6])
def test_a_young_series_gets_no_forecast_from_any_model(days):
    y = np.arange(3, 3 + days, dtype=float)[None, :]
    members = np.stack([baselines.forecast_batch(y, m, horizon=7) for m in baselines.MODELS])
    assert np.isnan(members).all()
    assert np.isnan(ensemble.combine(members, y)).all()


def test_baseline_median_is_the_point_and_the_interval_is_its_past_error():
    # a series rising by 2 a day: the "last" model was always 2 short one day ahead
    y = np.arange(0, 80, 2, dtype=float)[None, :]
    fc = baselines.forecast_batch(y, "last", horizon=4)
    day = 39
    assert fc[0, day, 0, 2] == y[0, day]  # the median is the last value
    assert fc[0, day, 0, 4] == pytest.approx(y[0, day] + 2)  # errors ±2 one day ahead
    assert fc[0, day, 3, 0] == pytest.approx(y[0, day] - 4)  # and sqrt(4) times that at 4 days
    assert np.isnan(fc[0, baselines.MIN_ERRORS - 1]).all()  # too few errors known yet
    assert not np.isnan(fc[0, baselines.MIN_ERRORS]).any()


def test_baseline_uses_nothing_after_its_issue_day():
    rng = np.random.default_rng(1)
    y = rng.poisson(8, size=(1, 60)).astype(float)
    before = baselines.forecast_batch(y, "mean7", horizon=7)
    y_later = y.copy()
    y_later[0, 41:] = 1000  # a surge after day 40
    after = baselines.forecast_batch(y_later, "mean7", horizon=7)
    np.testing.assert_array_equal(before[:, :41], after[:, :41])
    assert not np.array_equal(before[:, 48:], after[:, 48:], equal_nan=True)


@settings(max_examples=25, deadline=None)
@given(
    counts=st.lists(st.integers(0, 60), min_size=12, max_size=45),
    model=st.sampled_from(baselines.MODELS),
)
def test_batch_baseline_equals_the_one_at_a_time_loop(counts, model):
    y = np.asarray(counts, dtype=float)[None, :]
    batch = baselines.forecast_batch(y, model, horizon=4)
    for day in range(y.shape[1]):
        np.testing.assert_allclose(
            batch[0, day], baselines.forecast_one(y[0], day, model, horizon=4), rtol=1e-12
        )


@pytest.mark.parametrize("bad", [[[1, -1, 2]], [[1, 0.5, 2]], [1, 2, 3], [[1, np.nan]]])
def test_baselines_refuse_counts_that_are_not_counts(bad):
    with pytest.raises(ValueError):
        baselines.forecast_batch(bad, "last")


@pytest.mark.parametrize("model", baselines.MODELS)
def test_baseline_zero_probability_is_where_its_quantile_function_reaches_zero(model):
    rng = np.random.default_rng(4)
    y = rng.poisson(np.linspace(30, 0.3, 50)).astype(float)[None, :]
    fc = baselines.forecast_batch(y, model, horizon=3)
    p0 = baselines.zero_probability(y, model, horizon=3)
    assert np.array_equal(np.isnan(p0), np.isnan(fc[..., 0]))
    day, h = 45, 2
    point = baselines.points(y, model)[0, day]
    errors = [y[0, s + 1] - baselines.points(y, model)[0, s] for s in range(day - 28, day)]
    sample = np.array(errors + [-e for e in errors])
    p = p0[0, day, h - 1]
    assert 0 < p < 1
    assert point + np.sqrt(h) * np.quantile(sample, p) == pytest.approx(0, abs=1e-9)
    cdf = baselines.forecast_cdf(fc, p0)
    zero = fc[0, day, h - 1] == 0
    assert np.all(cdf[0, day, h - 1, zero, 1] == max(p, max(np.asarray(LEVELS)[zero])))
    assert np.all(cdf[0, day, h - 1, ~zero, 0] == np.asarray(LEVELS)[~zero])


def test_unknown_baseline_is_refused():
    with pytest.raises(ValueError, match="unknown baseline"):
        baselines.forecast_batch([[1, 2, 3]], "arima")


def _flat(value: float, n: int, t: int, h: int) -> np.ndarray:
    return np.full((n, t, h, len(LEVELS)), float(value))


def test_ensemble_weighs_the_member_that_was_right():
    y = np.full((1, 40), 10.0)
    right, wrong = _flat(10, 1, 40, 3), _flat(30, 1, 40, 3)
    w = ensemble.weights(np.stack([right, wrong]), y)
    assert w[:, 0, 0].tolist() == [0.5, 0.5]  # nothing scored yet: equal shares
    assert w[0, 0, 30] > 0.9 and w[:, 0, 30].sum() == pytest.approx(1.0)
    mixed = ensemble.combine(np.stack([right, wrong]), y)
    assert 10 < mixed[0, 30, 0, 2] < 12


def test_ensemble_weights_use_only_outcomes_known_on_the_issue_day():
    y = np.full((1, 40), 10.0)
    members = np.stack([_flat(10, 1, 40, 3), _flat(30, 1, 40, 3)])
    changed = y.copy()
    changed[0, 25:] = 30.0  # the second member becomes right from day 25 on
    a, b = ensemble.weights(members, y), ensemble.weights(members, changed)
    np.testing.assert_array_equal(a[:, :, :25], b[:, :, :25])
    assert b[1, 0, 39] > a[1, 0, 39]


def test_a_newcomer_shares_equally_until_it_has_a_record():
    y = np.full((1, 40), 10.0)
    early, late = _flat(30, 1, 40, 3), _flat(10, 1, 40, 3)
    late[0, :20] = np.nan  # the second member starts forecasting on day 20
    w = ensemble.weights(np.stack([early, late]), y)
    assert w[:, 0, 15].tolist() == [1.0, 0.0]
    assert w[:, 0, 20].tolist() == [0.5, 0.5]  # no record yet for the newcomer
    assert w[1, 0, 30] > 0.8  # once scored, its record counts


def test_a_member_missing_a_day_takes_no_part_that_day():
    y = np.full((1, 20), 5.0)
    gap = _flat(5, 1, 20, 2)
    gap[0, 10, 1] = np.nan  # no forecast two days ahead on day 10
    w = ensemble.weights(np.stack([gap, _flat(7, 1, 20, 2)]), y)
    assert w[0, 0, 10] == 0 and w[1, 0, 10] == 1
    nothing = np.full((2, 1, 20, 2, len(LEVELS)), np.nan)
    assert np.isnan(ensemble.combine(nothing, y)).all()


def test_the_ensemble_has_mass_on_a_quantile_only_where_every_weighed_member_has():
    y = np.full((1, 40), 0.0)
    zero = _flat(0, 1, 40, 2)
    atom = scoring.continuous_cdf(zero.shape[:-1])
    atom[..., 0], atom[..., 1] = 0.0, 0.9  # member 1: P(0) = 0.9
    other = atom.copy()
    other[..., 1] = 0.7  # member 2: P(0) = 0.7
    both = ensemble.combine_cdf(np.stack([atom, other]), np.stack([zero, zero]), y)
    assert np.all(both[..., 0] == 0) and np.all(both[..., 1] == 0.7)
    # a member with no forecast that day has no weight and no say
    absent = zero.copy()
    absent[0, 10] = np.nan
    alone = ensemble.combine_cdf(np.stack([atom, other]), np.stack([zero, absent]), y)
    assert np.all(alone[0, 10, ..., 1] == 0.9) and np.all(alone[0, 11, ..., 1] == 0.7)
