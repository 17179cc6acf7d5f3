"""The serial interval from linked pairs: a censored normal fit, its uncertainty, the weights."""

import numpy as np
import pytest

from pingji.epi import rt, serial


def _observed(mu, sigma, n, seed=0):
    """Whole-day onset differences of ``n`` pairs: each onset uniform within its day."""
    rng = np.random.default_rng(seed)
    infector = rng.uniform(0, 1, n)
    infectee = infector + rng.normal(mu, sigma, n)
    return (np.floor(infectee) - np.floor(infector)).astype(int)


def test_day_probabilities_are_the_triangular_kernel_and_sum_to_one():
    d = np.arange(-40, 50)
    p = serial.day_probabilities(d, 1.3, 2.2)
    assert p.sum() == pytest.approx(1, abs=1e-12)
    # by quadrature: P(D=d) = integral of the normal density against the triangle on (d-1, d+1)
    x = np.linspace(-1, 1, 20001)
    tri = 1 - np.abs(x)
    for day in (-2, 0, 1, 4):
        dens = np.exp(-0.5 * ((day + x - 1.3) / 2.2) ** 2) / (2.2 * np.sqrt(2 * np.pi))
        assert p[day + 40] == pytest.approx(np.trapezoid(dens * tri, x), abs=1e-7)


def test_the_fit_recovers_a_known_interval_with_negative_values():
    days = _observed(2.0, 3.0, 4000, seed=1)
    assert (days <= 0).mean() > 0.25  # as in Putian, many pairs at zero days or less
    fitted = serial.fit(days)
    se = np.sqrt(np.diag(fitted.cov))
    assert fitted.mean == pytest.approx(2.0, abs=3 * se[0])
    assert np.log(fitted.sd) == pytest.approx(np.log(3.0), abs=3 * se[1])
    assert fitted.n == 4000
    # the moment estimate is biased by the censoring; the fit is not (its sd is the true one)
    assert abs(fitted.sd - 3.0) < abs(days.std(ddof=1) - 3.0)


def test_the_uncertainty_shrinks_with_more_pairs_and_samples_follow_it():
    small = serial.fit(_observed(4.0, 2.5, 40, seed=2))
    large = serial.fit(_observed(4.0, 2.5, 1000, seed=2))
    assert large.cov[0, 0] < small.cov[0, 0] / 10
    # the sd of mu is about sigma / sqrt(n) (plus the censoring's share)
    assert np.sqrt(large.cov[0, 0]) == pytest.approx(2.5 / np.sqrt(1000), rel=0.2)
    draws = small.samples(4000, seed=3)
    assert draws.shape == (4000, 2) and (draws[:, 1] > 0).all()
    assert draws[:, 0].std() == pytest.approx(np.sqrt(small.cov[0, 0]), rel=0.1)
    np.testing.assert_array_equal(draws, small.samples(4000, seed=3))  # seeded


def test_renewal_weights_condition_on_one_day_and_say_what_was_left_out():
    w = serial.renewal_weights(2.0, 3.0)
    assert rt.check_si_distr(w.weights)[0] == 0
    tail = serial.day_probabilities(np.arange(-40, 1), 2.0, 3.0).sum()
    assert w.left_out == pytest.approx(tail, abs=1e-9) and 0.25 < w.left_out < 0.5
    # the same shape above one day, renormalised
    p = serial.day_probabilities(np.arange(1, w.weights.size), 2.0, 3.0)
    np.testing.assert_allclose(w.weights[1:], p / (1 - tail), atol=1e-4)
    assert w.mean > 2.0 and w.sd > 0


def test_an_interval_mostly_at_or_below_zero_days_is_refused():
    with pytest.raises(ValueError, match="0 days or less"):
        serial.renewal_weights(0.2, 1.5)
    with pytest.raises(ValueError, match="0 days or less"):
        serial.fit([-2, -1, 0, 0, 1, -1, 0]).weights()


def test_sampled_weights_are_all_usable_by_rt():
    fitted = serial.fit(_observed(3.0, 2.0, 30, seed=4))
    w = serial.sample_weights(fitted, 50, seed=1)
    assert w.shape[0] == 50
    for row in w:
        rt.check_si_distr(row)
    np.testing.assert_array_equal(w, serial.sample_weights(fitted, 50, seed=1))


@pytest.mark.parametrize(
    "bad", [[], [3], [1.5, 2], [float("nan"), 2], ["a", 2], [[1, 2], [3, 4]], [4, 4, 4]]
)
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        serial.fit(bad)


def test_the_fit_does_not_depend_on_the_order_of_the_pairs():
    rng = np.random.default_rng(0)
    days = rng.integers(-3, 10, size=157)  # in this order, the float mean differs in its last bit
    a, b = serial.fit(days.tolist()), serial.fit(rng.permutation(days).tolist())
    assert (a.mean, a.sd) == (b.mean, b.sd) and np.array_equal(a.cov, b.cov)
