"""Nowcasting the right-truncated curve by onset: the delay, the completeness, the intervals."""

import numpy as np
import pytest

from pingji.epi import nowcast as nc

#: The true delay (days 0..9) of the simulations: mean about 2.6 days.
PMF = np.array([0.10, 0.25, 0.25, 0.15, 0.10, 0.07, 0.04, 0.02, 0.01, 0.01])
CDF = np.cumsum(PMF)
LAST = 40


def _outbreak(seed: int, growth: float = 0.06):
    """A growing outbreak's true counts by onset (days 0..LAST) and its cases reported by LAST."""
    rng = np.random.default_rng(seed)
    truth = rng.poisson(3 * np.exp(growth * np.arange(LAST + 1)))
    onset = np.repeat(np.arange(LAST + 1), truth)
    report = onset + rng.choice(PMF.size, size=onset.size, p=PMF)
    seen = report <= LAST
    return truth, onset[seen], report[seen]


def test_the_triangle_counts_cases_by_onset_and_delay():
    tri = nc.reporting_triangle([0, 0, 1, 2, 2, 3], [0, 2, 4, 2, 1, 3], last_day=4, max_delay=2)
    assert tri.tolist() == [
        [1, 0, 1],
        [0, 0, 1],  # a delay of 3 counts at the maximum
        [2, 0, 0],  # one reported the day before onset (found in quarantine): delay 0
        [1, 0, 0],
        [0, 0, 0],
    ]
    assert nc.reporting_triangle([5], [6], last_day=6, first_day=6).tolist() == [[0] * 22]


def test_the_delay_and_the_completeness_are_recovered():
    _truth, onset, report = _outbreak(3)
    tri = nc.reporting_triangle(onset, report, last_day=LAST, first_day=0, max_delay=14)
    delay = nc.delay_distribution(tri)
    assert delay.cdf[:10] == pytest.approx(CDF, abs=0.03)
    assert delay.cdf[-1] == 1 and np.all(np.diff(delay.cdf) >= 0)
    assert delay.mean == pytest.approx(float(np.dot(np.arange(PMF.size), PMF)), abs=0.2)
    now = nc.nowcast(tri)
    assert now.days.tolist() == list(range(LAST - 13, LAST + 1))
    # day LAST - k has had k days to be reported
    assert now.completeness == pytest.approx(delay.cdf[13::-1])
    assert now.completeness[-1] < 0.2 and now.completeness[0] > 0.99
    assert np.all(now.lower <= now.median) and np.all(now.median <= now.upper)
    assert np.all(now.lower >= now.observed)  # a nowcast never removes reported cases
    # the same seed gives the same numbers (a stored day can be recomputed)
    again = nc.nowcast(tri)
    assert (again.median == now.median).all() and (again.upper == now.upper).all()
    assert now.rows()[-1]["observed"] == int(now.observed[-1])


def test_the_nowcast_covers_the_true_counts_in_most_replicates():
    inside, errors_observed, errors_nowcast = [], [], []
    for seed in range(40):
        truth, onset, report = _outbreak(seed)
        tri = nc.reporting_triangle(onset, report, last_day=LAST, first_day=0, max_delay=14)
        now = nc.nowcast(tri, seed=seed, n_sims=500)
        last = slice(-7, None)  # the days a reader would see marked incomplete
        true = truth[now.days][last]
        inside.append((now.lower[last] <= true) & (true <= now.upper[last]))
        errors_observed.append(np.abs(now.observed[last] - true).sum())
        errors_nowcast.append(np.abs(now.median[last] - true).sum())
    coverage = np.mean(inside)
    assert 0.85 <= coverage <= 1.0, coverage
    # and its median is nearer the truth than the truncated count
    assert np.mean(errors_nowcast) < 0.5 * np.mean(errors_observed)


def test_a_complete_curve_is_left_as_it_is():
    # every case reported on its onset day: nothing is missing, the nowcast is the count
    tri = np.zeros((30, 8), dtype=int)
    tri[:, 0] = 3
    now = nc.nowcast(tri)
    assert (now.completeness == 1).all()
    assert (now.median == now.observed).all() and (now.upper == now.observed).all()


@pytest.mark.parametrize(
    ("triangle", "message"),
    [
        ([[3, 1], [2, -1]], "negative"),
        ([[3, 1.5], [2, 0]], "whole numbers"),
        ([[np.nan, 1], [2, 0]], "NaN"),
        (np.zeros((10, 5)), "all counts are zero"),
        ([[3, 1], [2, 0]], "too few cases"),
        ([[30, 1], [2, 4]], "reported after the last day"),
        ([3, 1, 2], "onset days × delays"),
        ([["a", "b"]], "whole numbers"),
    ],
)
def test_bad_input_is_refused_with_a_reason(triangle, message):
    with pytest.raises(ValueError, match=message):
        nc.nowcast(triangle)


def test_a_day_nothing_is_reported_so_soon_is_nowcast_from_the_recent_level():
    tri = np.zeros((20, 6), dtype=int)
    tri[:17, 3] = 2  # every case reported exactly 3 days after onset, 2 a day
    now = nc.nowcast(tri)
    assert now.completeness[-3:].tolist() == [0, 0, 0] and now.observed[-3:].sum() == 0
    assert (now.lower[-3:] <= 2).all() and (now.upper[-3:] >= 2).all()
    assert 1 <= now.median[-1] <= 3 and now.mean[-1] == pytest.approx(2, abs=0.3)
    assert (now.completeness[:-3] == 1).all() and (now.median[:-3] == now.observed[:-3]).all()


def test_bad_cases_for_the_triangle_are_refused():
    with pytest.raises(ValueError, match="after the day"):
        nc.reporting_triangle([1, 2], [3, 9], last_day=5)
    with pytest.raises(ValueError, match="whole numbers"):
        nc.reporting_triangle([1.5], [3], last_day=5)
    with pytest.raises(ValueError, match="one onset day and one report day"):
        nc.reporting_triangle([1, 2], [3], last_day=5)
    with pytest.raises(ValueError, match="maximum delay"):
        nc.reporting_triangle([1], [3], last_day=5, max_delay=0)
    with pytest.raises(ValueError, match="level"):
        nc.nowcast(np.ones((30, 3)), level=1.5)
